import { Badge, Button, Group, NativeSelect, Paper, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { type StaffOrg, api } from '../../api.ts';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { StaffMfaNotice } from '../../components/StaffMfaNotice.tsx';
import { formatDate, formatDateTime } from '../../lib/format.ts';
import { splitErrors, useRequest } from '../../lib/forms.ts';
import { useSignedIn } from '../../session.tsx';

const PLANS = [
  { value: 'free', label: 'Free: up to 10 users' },
  { value: 'paid', label: 'Paid: no user limit' },
  { value: 'jumpstart', label: 'Jumpstart trial: no user limit until it ends' },
] as const;
type Plan = (typeof PLANS)[number]['value'];

const PAGE = 25;

/** YYYY-MM-DD, a day ahead of today in the viewer's zone: the earliest sensible end of a trial. */
function tomorrow(): string {
  const d = new Date(Date.now() + 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The end of that day in the viewer's time zone, as an instant. */
const endOfDay = (day: string) => new Date(`${day}T23:59:59.999`).toISOString();

function planLabel(o: StaffOrg): string {
  if (o.plan === 'jumpstart' && o.planEndsAt) {
    return new Date(o.planEndsAt) > new Date() ? `jumpstart until ${formatDateTime(o.planEndsAt)}` : `jumpstart, ended ${formatDateTime(o.planEndsAt)}`;
  }
  return o.plan ?? '';
}

/** DIR-4: set one organization's plan; a jumpstart trial needs the day it ends. */
function PlanForm({ org, onSaved, onCancel }: { org: StaffOrg; onSaved: (o: StaffOrg, message: string) => void; onCancel: () => void }) {
  const [plan, setPlan] = useState<Plan>(org.plan === 'paid' || org.plan === 'jumpstart' ? (org.plan as Plan) : 'free');
  const [endsOn, setEndsOn] = useState(tomorrow());
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['plan', 'endsAt']);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const input = plan === 'jumpstart' ? { plan, endsAt: endOfDay(endsOn) } : { plan };
    const result = await run(() => api.setPlan(org.id, input));
    if (result.ok) {
      const saved = result.value;
      onSaved({ ...org, plan: saved.plan, planEndsAt: saved.planEndsAt ?? null }, `${org.name} is now on the ${saved.plan} plan${saved.planEndsAt ? ` until ${formatDateTime(saved.planEndsAt)}` : ''}.`);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label={`Plan of ${org.name}`}>
      <Stack gap="sm">
        <Text fw={600}>{org.name}</Text>
        <Text size="sm" c="dimmed">
          Now: {planLabel(org)}; {org.seats ?? 0} users (active and invited){org.userLimit !== null && org.userLimit !== undefined ? ` of ${org.userLimit} allowed` : ', no limit'}.
        </Text>
        <ProblemAlert message={errors.alert} />
        <NativeSelect label="New plan" data={[...PLANS]} value={plan} onChange={(e) => setPlan(e.currentTarget.value as Plan)} error={errors.field('plan')} maw={420} />
        {plan === 'jumpstart' && (
          <TextInput
            type="date"
            label="Trial ends on"
            description="At the end of this day, in your time zone. Then new users are refused as on the free plan; existing users stay."
            value={endsOn}
            min={tomorrow()}
            onChange={(e) => setEndsOn(e.currentTarget.value)}
            error={errors.field('endsAt')}
            maw={420}
          />
        )}
        {plan === 'free' && (org.seats ?? 0) > 10 && (
          <Text size="sm" c="orange.8">
            This organization has more than 10 users: they all stay, but no new user can be added until some leave.
          </Text>
        )}
        <Group>
          <Button type="submit" loading={loading}>
            Set plan
          </Button>
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** `/staff/plans`: billing (and owner) staff find an organization by name and set its plan (DIR-4). */
export default function PlansPage() {
  const { user } = useSignedIn();
  const [q, setQ] = useState('');
  const [searched, setSearched] = useState<string | null>(null);
  const [items, setItems] = useState<StaffOrg[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [editing, setEditing] = useState<StaffOrg | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const search = useRequest();

  const load = useCallback(
    async (term: string, cursor?: string) => {
      const result = await search.run(() => api.findOrgs({ q: term.trim(), limit: PAGE, ...(cursor ? { cursor } : {}) }));
      if (!result.ok) return;
      setItems((before) => (cursor ? [...(before ?? []), ...result.value.items] : result.value.items));
      setNext(result.value.nextCursor);
      setSearched(term.trim());
    },
    [search.run],
  );

  useEffect(() => {
    void load('');
  }, [load]);

  return (
    <>
      <PageHeader title="Plans" description="Find an organization by name and set its plan: free, paid, or a jumpstart trial with the day it ends." />
      <StaffMfaNotice user={user} />
      <Stack gap="lg">
        <Section title="Find an organization">
          <form
            role="search"
            onSubmit={(e) => {
              e.preventDefault();
              setNotice(null);
              setEditing(null);
              void load(q);
            }}
          >
            <Group align="flex-end" gap="sm">
              <TextInput label="Organization name or id" value={q} onChange={(e) => setQ(e.currentTarget.value)} maxLength={200} w={{ base: '100%', sm: 360 }} />
              <Button type="submit" loading={search.loading}>
                Search
              </Button>
            </Group>
          </form>
          <ProblemAlert message={search.error?.detail ?? null} />
          {notice && (
            <Text c="teal.8" role="status">
              {notice}
            </Text>
          )}
          {items && items.length === 0 && <Text c="dimmed">{searched ? `No organization matches “${searched}”.` : 'There is no organization yet.'}</Text>}
          {items && items.length > 0 && (
            <Paper withBorder radius="md">
              <Table.ScrollContainer minWidth={640}>
              <Table data-testid="plan-orgs" verticalSpacing="sm" horizontalSpacing="md">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Organization</Table.Th>
                    <Table.Th scope="col">Plan</Table.Th>
                    <Table.Th scope="col">Users</Table.Th>
                    <Table.Th scope="col">Created</Table.Th>
                    <Table.Th scope="col">
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((o) => (
                    <Table.Tr key={o.id} data-org={o.id}>
                      <Table.Td>
                        <Text fw={500} title={o.id}>
                          {o.name}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={o.plan === 'free' ? 'gray' : o.plan === 'paid' ? 'teal' : 'blue'}>
                          {o.plan}
                        </Badge>
                        {o.plan === 'jumpstart' && o.planEndsAt && (
                          <Text size="xs" c="dimmed">
                            {planLabel(o)}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>{o.userLimit !== null && o.userLimit !== undefined ? `${o.seats ?? 0} of ${o.userLimit}` : `${o.seats ?? 0}`}</Table.Td>
                      <Table.Td>{formatDate(o.createdAt)}</Table.Td>
                      <Table.Td>
                        <Button
                          size="xs"
                          variant="light"
                          aria-label={`Change the plan of ${o.name}`}
                          onClick={() => {
                            setNotice(null);
                            setEditing(o);
                          }}
                        >
                          Change plan
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              </Table.ScrollContainer>
            </Paper>
          )}
          {next && (
            <Group>
              <Button variant="default" loading={search.loading} onClick={() => void load(searched ?? '', next)}>
                Show more
              </Button>
            </Group>
          )}
        </Section>
        {editing && (
          <Section title="Change the plan">
            <PlanForm
              key={editing.id}
              org={editing}
              onCancel={() => setEditing(null)}
              onSaved={(saved, message) => {
                setEditing(null);
                setNotice(message);
                void load(searched ?? '');
                setItems((list) => list?.map((o) => (o.id === saved.id ? { ...o, ...saved } : o)) ?? null);
              }}
            />
          </Section>
        )}
      </Stack>
    </>
  );
}
