import { Text } from '@mantine/core';
import { PrivacyChoices } from '../components/PrivacyChoices.tsx';
import { PublicLayout } from '../components/PublicLayout.tsx';

/** /privacy/choices: a visitor's choices, purpose by purpose, before they have an account (PRV-3). */
export default function PrivacyChoicesPage() {
  return (
    <PublicLayout title="Your privacy choices" documentTitle="Privacy choices" width={720}>
      <Text size="sm" c="dimmed">
        These choices are kept for this browser. When you sign up or sign in, your opt-outs follow you into your account.
      </Text>
      <PrivacyChoices />
    </PublicLayout>
  );
}
