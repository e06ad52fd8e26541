import { Paper, Table, Text } from '@mantine/core';
import { useCallback } from 'react';
import { api } from '../../api.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { diffHref, useLoad, versionHref } from '../../lib/policies.ts';
import { PolicyFallback, PolicyFrame, PolicyStatus } from './PolicyFrame.tsx';

/** PRV-8: `/privacy/archive`, every version ever published, with its dates. */
export default function PolicyArchivePage() {
  const load = useCallback(() => api.listPolicies(), []);
  const { data, error, loading, reload } = useLoad(load);

  return (
    <PolicyFrame title="Privacy policy: all versions" documentTitle="Privacy policy versions">
      <Text size="sm" c="dimmed">
        Every version of the privacy policy stays published here. A version is in effect from its effective date until the next version takes
        effect.
      </Text>
      {!data ? (
        <PolicyFallback error={error} loading={loading} onRetry={reload} notFound="No privacy policy has been published yet." />
      ) : data.items.length === 0 ? (
        <Text role="status">No privacy policy has been published yet.</Text>
      ) : (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={720}>
            <Table data-testid="policy-archive" striped verticalSpacing="sm" horizontalSpacing="md">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Version</Table.Th>
                  <Table.Th scope="col">Title</Table.Th>
                  <Table.Th scope="col">In effect from</Table.Th>
                  <Table.Th scope="col">Until</Table.Th>
                  <Table.Th scope="col">Published</Table.Th>
                  <Table.Th scope="col">Changes</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((p) => (
                  <Table.Tr key={p.version}>
                    <Table.Td>
                      <AppLink to={versionHref(p.version)} fw={500}>
                        {`Version ${p.version}`}
                      </AppLink>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{p.title}</Text>
                      <PolicyStatus policy={p} />
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(p.effectiveAt)}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{p.supersededAt ? formatDateTime(p.supersededAt) : '—'}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(p.publishedAt)}</Table.Td>
                    <Table.Td>
                      {p.version > 1 ? (
                        <AppLink to={diffHref(p.version - 1, p.version)} size="sm">
                          {`From version ${p.version - 1}`}
                        </AppLink>
                      ) : (
                        '—'
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
    </PolicyFrame>
  );
}
