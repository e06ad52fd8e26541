import { PrivacyChoices } from '../../components/PrivacyChoices.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { Section } from '../../components/Section.tsx';

/** /account/privacy: the signed-in user's choices, each purpose with its rule and its history (PRV-3, PRV-4). */
export default function AccountPrivacyPage() {
  return (
    <>
      <PageHeader title="Privacy" description="What we may use your data for. Each choice is recorded, with when and how you made it." />
      <Section title="Your choices">
        <PrivacyChoices />
      </Section>
    </>
  );
}
