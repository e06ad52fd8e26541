import { Checkbox } from '@mantine/core';

interface Props {
  ageConfirmed: boolean;
  personalization: boolean;
  onChange: (change: { ageConfirmed?: boolean; personalization?: boolean }) => void;
  error?: string | undefined;
}

/**
 * DSR-8, PRV-3: what every sign-up asks, by password or through Google: that the person is 16 or
 * older, and whether they opt out of personalization, on the form that collects the data.
 */
export function SignupConsents({ ageConfirmed, personalization, onChange, error }: Props) {
  return (
    <>
      <Checkbox label="I am 16 or older" checked={ageConfirmed} onChange={(e) => onChange({ ageConfirmed: e.currentTarget.checked })} error={error} />
      <Checkbox
        label="Personalize my experience"
        description="We build a profile from what you tell us here to tailor content. Untick to opt out; you can change this later."
        checked={personalization}
        onChange={(e) => onChange({ personalization: e.currentTarget.checked })}
      />
    </>
  );
}
