import { Button, Checkbox, Group, SimpleGrid, Stack, TextInput, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { DATA_CATEGORIES, DATA_CATEGORY_NAMES } from '../../../modules/privacy/disclosures.categories.ts';
import { type Disclosure, type LegalRequestInput, api } from '../../api.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { splitErrors, useRequest } from '../../lib/forms.ts';

interface Draft {
  recipientName: string;
  recipientAddress: string;
  categories: string[];
  purpose: string;
  reference: string;
  subjectUserId: string;
  subjectEmail: string;
  orgId: string;
}

const EMPTY: Draft = { recipientName: '', recipientAddress: '', categories: [], purpose: '', reference: '', subjectUserId: '', subjectEmail: '', orgId: '' };
const FIELDS = ['recipientName', 'recipientAddress', 'categories', 'purpose', 'reference', 'subjectUserId', 'subjectEmail', 'orgId'] as const;

/** Optional fields are left out when blank: the API takes a field or its absence, never an empty string. */
function toInput(d: Draft): LegalRequestInput {
  const optional = (v: string) => (v.trim() ? v.trim() : undefined);
  return {
    recipientName: d.recipientName.trim(),
    recipientAddress: d.recipientAddress.trim(),
    categories: d.categories,
    purpose: d.purpose.trim(),
    reference: d.reference.trim(),
    subjectUserId: optional(d.subjectUserId),
    subjectEmail: optional(d.subjectEmail),
    orgId: optional(d.orgId),
  };
}

/** PRV-9: privacy staff record what they disclosed on a legal request (a subpoena, a court order). */
export function LegalRequestForm({ onRecorded }: { onRecorded: (d: Disclosure) => void }) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [categoriesError, setCategoriesError] = useState<string | null>(null);
  const { loading, error, run } = useRequest();
  // The categories' own problems come back per item (`categories.0`); "no subject" belongs next to the address.
  const errors = splitErrors(error, FIELDS, { 'categories.0': 'categories', subject: 'subjectEmail' });
  const set = (field: keyof Draft) => (e: { currentTarget: { value: string } }) => {
    const value = e.currentTarget.value;
    setDraft((d) => ({ ...d, [field]: value }));
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (draft.categories.length === 0) {
      setCategoriesError('Choose at least one category of data.');
      return;
    }
    setCategoriesError(null);
    const r = await run(() => api.recordLegalRequest(toInput(draft)));
    if (r.ok) {
      setDraft(EMPTY);
      onRecorded(r.value);
    }
  }

  return (
    <Section
      title="Record a disclosure on legal request"
      description="What was handed over, to whom and why, whose data it was, and the request's own reference. It is added to the ledger and to the audit log."
    >
      <form onSubmit={submit} noValidate aria-label="Record a disclosure on legal request">
        <Stack gap="md">
          <ProblemAlert message={errors.alert} />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
            <TextInput label="Recipient's name" description="e.g. the court or agency" required value={draft.recipientName} onChange={set('recipientName')} error={errors.field('recipientName')} />
            <TextInput label="Reference" description="The subpoena's or order's number" required value={draft.reference} onChange={set('reference')} error={errors.field('reference')} />
          </SimpleGrid>
          <Textarea label="Recipient's postal address" required autosize minRows={2} value={draft.recipientAddress} onChange={set('recipientAddress')} error={errors.field('recipientAddress')} />
          <TextInput label="Purpose of the disclosure" description="e.g. the investigation it serves" required value={draft.purpose} onChange={set('purpose')} error={errors.field('purpose')} />
          <Checkbox.Group
            label="Categories of personal data disclosed"
            required
            value={draft.categories}
            onChange={(categories) => setDraft((d) => ({ ...d, categories }))}
            error={categoriesError ?? errors.field('categories')}
          >
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" mt="xs">
              {DATA_CATEGORY_NAMES.map((c) => (
                <Checkbox key={c} value={c} label={DATA_CATEGORIES[c]} />
              ))}
            </SimpleGrid>
          </Checkbox.Group>
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
            <TextInput label="Subject's account id" description="When the person has an account" value={draft.subjectUserId} onChange={set('subjectUserId')} error={errors.field('subjectUserId')} />
            <TextInput label="Subject's email address" description="Or instead of the account id" type="email" value={draft.subjectEmail} onChange={set('subjectEmail')} error={errors.field('subjectEmail')} />
            <TextInput label="Organization id (optional)" value={draft.orgId} onChange={set('orgId')} error={errors.field('orgId')} />
          </SimpleGrid>
          <Group>
            <Button type="submit" loading={loading}>
              Record disclosure
            </Button>
          </Group>
        </Stack>
      </form>
    </Section>
  );
}
