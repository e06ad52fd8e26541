import { Box, Button, Group, NativeSelect, Paper, Stack, Text, VisuallyHidden } from '@mantine/core';
import { useCallback, useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import { ApiError, type PolicyDiff, api } from '../../api.ts';
import { AppLink } from '../../components/AppLink.tsx';
import { diffHref, useLoad, versionHref } from '../../lib/policies.ts';
import { PolicyFallback, PolicyFrame } from './PolicyFrame.tsx';

type Line = PolicyDiff['lines'][number];
/** Unchanged lines kept around each change; longer unchanged runs fold away. */
const CONTEXT = 3;

type Chunk = { kind: 'lines'; lines: Line[] } | { kind: 'fold'; lines: Line[] };

/** Folds long runs of unchanged lines, keeping CONTEXT lines next to each change. */
function chunksOf(lines: Line[]): Chunk[] {
  const chunks: Chunk[] = [];
  let i = 0;
  while (i < lines.length) {
    let j = i;
    while (j < lines.length && lines[j]?.op === 'equal') j++;
    const run = lines.slice(i, j);
    const keepBefore = i === 0 ? 0 : CONTEXT;
    const keepAfter = j === lines.length ? 0 : CONTEXT;
    if (run.length > keepBefore + keepAfter + 1) {
      if (keepBefore) chunks.push({ kind: 'lines', lines: run.slice(0, keepBefore) });
      chunks.push({ kind: 'fold', lines: run.slice(keepBefore, run.length - keepAfter) });
      if (keepAfter) chunks.push({ kind: 'lines', lines: run.slice(run.length - keepAfter) });
    } else if (run.length) {
      chunks.push({ kind: 'lines', lines: run });
    }
    let k = j;
    while (k < lines.length && lines[k]?.op !== 'equal') k++;
    if (k > j) chunks.push({ kind: 'lines', lines: lines.slice(j, k) });
    i = k;
  }
  return chunks;
}

const STYLE: Record<Line['op'], { sign: string; label: string; bg?: string }> = {
  equal: { sign: ' ', label: '' },
  insert: { sign: '+', label: 'Added: ', bg: 'var(--mantine-color-teal-0)' },
  delete: { sign: '−', label: 'Removed: ', bg: 'var(--mantine-color-red-0)' },
};

function DiffLine({ line }: { line: Line }) {
  const s = STYLE[line.op];
  const Tag = line.op === 'insert' ? 'ins' : line.op === 'delete' ? 'del' : 'span';
  return (
    <Box
      component={Tag}
      data-op={line.op}
      display="block"
      px="sm"
      bg={s.bg}
      style={{ textDecoration: 'none', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 }}
    >
      <span aria-hidden>{`${s.sign} `}</span>
      {s.label && <VisuallyHidden>{s.label}</VisuallyHidden>}
      {line.text || ' '}
    </Box>
  );
}

function Fold({ lines }: { lines: Line[] }) {
  const [open, setOpen] = useState(false);
  if (open) return lines.map((l, i) => <DiffLine key={i} line={l} />);
  return (
    <Box px="sm" py={4} bg="var(--mantine-color-gray-1)">
      <Button variant="subtle" size="compact-xs" onClick={() => setOpen(true)}>
        {`Show ${lines.length} unchanged lines`}
      </Button>
    </Box>
  );
}

function VersionPicker({ label, value, versions, onChange }: { label: string; value: number; versions: number[]; onChange: (v: number) => void }) {
  return (
    <NativeSelect
      label={label}
      value={String(value)}
      data={versions.map((v) => ({ value: String(v), label: `Version ${v}` }))}
      onChange={(e) => onChange(Number(e.currentTarget.value))}
      w={160}
    />
  );
}

const versionParam = (v: string | null) => (v !== null && /^[1-9]\d{0,6}$/.test(v) ? Number(v) : null);

/** PRV-8: `/privacy/diff?from=N&to=M`, what changed between any two versions, line by line. */
export default function PolicyDiffPage() {
  const params = new URLSearchParams(useSearch());
  const [, navigate] = useLocation();
  const from = versionParam(params.get('from'));
  const to = versionParam(params.get('to'));
  const loadDiff = useCallback(
    () =>
      from === null || to === null
        ? Promise.reject(new ApiError({ status: 404, code: 'privacy.policy_version_not_found', title: 'Not found', detail: 'Choose two versions.' }))
        : api.policyDiff(from, to),
    [from, to],
  );
  const loadList = useCallback(() => api.listPolicies(), []);
  const diff = useLoad(loadDiff);
  const list = useLoad(loadList);
  const versions = (list.data?.items ?? []).map((p) => p.version).sort((a, b) => a - b);
  const d = diff.data && diff.data.from.version === from && diff.data.to.version === to ? diff.data : null;

  return (
    <PolicyFrame title="Privacy policy: what changed" documentTitle="Privacy policy changes">
      {versions.length > 1 && from !== null && to !== null && (
        <Group gap="md" align="flex-end">
          <VersionPicker label="From" value={from} versions={versions} onChange={(v) => navigate(diffHref(v, to))} />
          <VersionPicker label="To" value={to} versions={versions} onChange={(v) => navigate(diffHref(from, v))} />
        </Group>
      )}
      {!d ? (
        <PolicyFallback error={diff.error} loading={diff.loading} onRetry={diff.reload} notFound="There is no such pair of versions to compare." />
      ) : (
        <Stack gap="sm">
          <Text size="sm">
            <AppLink to={versionHref(d.from.version)}>{`Version ${d.from.version}`}</AppLink>
            {` (${d.from.title}) to `}
            <AppLink to={versionHref(d.to.version)}>{`version ${d.to.version}`}</AppLink>
            {` (${d.to.title}): ${d.inserted} ${d.inserted === 1 ? 'line' : 'lines'} added, ${d.deleted} removed.`}
          </Text>
          {d.to.summary && d.to.version > d.from.version && <Text size="sm">{`In short: ${d.to.summary}`}</Text>}
          <Paper key={`${d.from.version}-${d.to.version}`} withBorder radius="md" py={4} data-testid="policy-diff" style={{ overflow: 'hidden' }}>
            {d.inserted + d.deleted === 0 && (
              <Text px="sm" py={4} size="sm" c="dimmed">
                The two versions have the same text.
              </Text>
            )}
            {chunksOf(d.lines).map((c, i) => (c.kind === 'fold' ? <Fold key={i} lines={c.lines} /> : c.lines.map((l, j) => <DiffLine key={`${i}-${j}`} line={l} />)))}
          </Paper>
        </Stack>
      )}
    </PolicyFrame>
  );
}
