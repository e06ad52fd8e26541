import { Alert, Button, Checkbox, Group, Input, List, Modal, Stack, Text } from '@mantine/core';
import { useId } from '@mantine/hooks';
import { type FormEvent, useRef, useState } from 'react';
import { ApiError, type ImportResult, type TransferFormat, api, toApiError } from '../../api.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useRequest } from '../../lib/forms.ts';
import { MAX_IMPORT_BYTES, formatOf, importProblems, saveDownload } from '../../lib/transfer.ts';

/**
 * DIR-5: import users (and their groups) from a CSV or LDIF file, all or nothing.
 * A refused file lists every problem by line, inside the form.
 */
export function ImportUsersModal({
  orgId,
  opened,
  onClose,
  onImported,
}: {
  orgId: string;
  opened: boolean;
  onClose: () => void;
  onImported: (result: ImportResult, invited: boolean) => void;
}) {
  const fileId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [invite, setInvite] = useState(false);
  const [keepHashes, setKeepHashes] = useState(false);
  const [fileError, setFileError] = useState<string | null>(null);
  const { loading, error, run, reset } = useRequest();
  const refused = importProblems(error);

  function clear() {
    setFile(null);
    setInvite(false);
    setKeepHashes(false);
    setFileError(null);
    reset();
  }

  function close() {
    if (loading) return;
    clear();
    onClose();
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (loading) return;
    reset();
    if (!file) {
      setFileError('Choose a CSV or LDIF file to import.');
      inputRef.current?.focus();
      return;
    }
    if (file.size === 0) {
      setFileError('This file is empty.');
      inputRef.current?.focus();
      return;
    }
    if (file.size > MAX_IMPORT_BYTES) {
      setFileError('This file is too large: import at most 19 MB at a time.');
      inputRef.current?.focus();
      return;
    }
    setFileError(null);
    const format: TransferFormat = formatOf(file.name);
    const result = await run(async () => {
      let data: string;
      try {
        data = await file.text();
      } catch {
        throw new ApiError({ status: -1, code: 'client.unreadable_file', title: 'Unreadable file', detail: 'This file could not be read. Choose it again.' });
      }
      return api.importUsers(orgId, { format, data, ...(invite ? { invite: true } : {}), ...(keepHashes ? { keepPasswordHashes: true } : {}) });
    });
    if (result.ok) {
      const invited = invite;
      clear();
      onImported(result.value, invited);
    }
  }

  const describedBy = [`${fileId}-description`, fileError ? `${fileId}-error` : null].filter(Boolean).join(' ');

  return (
    <Modal opened={opened} onClose={close} title="Import users" centered size="lg">
      <form onSubmit={submit} noValidate aria-label="Import users">
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            All or nothing: if any row has a problem, nobody is imported, and every problem is listed by line.
          </Text>
          {refused ? (
            <Alert color="red" variant="light" title="Nothing was imported" role="alert">
              <Stack gap="xs">
                <Text size="sm">
                  {refused.total === 1 ? 'The file has a problem' : `The file has ${refused.total} problems`}. Fix {refused.total === 1 ? 'it' : 'them'} and import again.
                </Text>
                <List size="sm" spacing={4} data-testid="import-problems" style={{ overflowWrap: 'anywhere' }}>
                  {refused.problems.map((p, i) => (
                    <List.Item key={`${p.line}-${i}`}>
                      Line {p.line}: {p.message}
                    </List.Item>
                  ))}
                </List>
                {refused.more > 0 && (
                  <Text size="sm" fw={500}>
                    … and {refused.more} more {refused.more === 1 ? 'problem' : 'problems'}, not shown here.
                  </Text>
                )}
              </Stack>
            </Alert>
          ) : (
            <ProblemAlert message={error?.detail} />
          )}
          <Input.Wrapper
            id={fileId}
            label="File (CSV or LDIF)"
            description="CSV columns: email, name, username, groups (groups separated by ;). A file ending in .ldif is read as LDIF: an export of OpenLDAP, Active Directory or JumpCloud, with its POSIX ids and groups."
            error={fileError}
          >
            <input
              ref={inputRef}
              id={fileId}
              className="file-picker"
              type="file"
              accept=".csv,.ldif,.txt,text/csv,text/plain,text/x-ldif"
              aria-describedby={describedBy}
              aria-invalid={fileError ? true : undefined}
              disabled={loading}
              onChange={(e) => {
                setFile(e.currentTarget.files?.[0] ?? null);
                setFileError(null);
                reset();
              }}
              data-autofocus
              style={{ marginTop: 6 }}
            />
          </Input.Wrapper>
          <Checkbox
            label="Email each new user an invitation"
            description="They get a link to set their own password."
            checked={invite}
            disabled={loading}
            onChange={(e) => setInvite(e.currentTarget.checked)}
          />
          <Checkbox
            label="Keep password hashes (LDIF)"
            description="Users keep the password they had: a {SSHA}, {SSHA512}, {CRYPT} (SHA-512 or bcrypt) or {ARGON2} hash works until their first sign-in, which replaces it with Castellan’s own. Other hashes are not kept."
            checked={keepHashes}
            disabled={loading}
            onChange={(e) => setKeepHashes(e.currentTarget.checked)}
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close} disabled={loading}>
              Cancel
            </Button>
            <Button type="submit" loading={loading}>
              Import
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** DIR-5: "Export CSV" and "Export LDIF": the organization's users and their groups, saved as users.csv / users.ldif. */
export function ExportUsersButtons({ orgId, onError }: { orgId: string; onError: (problem: { title?: string; message: string } | null) => void }) {
  const [busy, setBusy] = useState<TransferFormat | null>(null);

  async function exportAs(format: TransferFormat) {
    if (busy) return;
    setBusy(format);
    onError(null);
    try {
      saveDownload(await api.exportUsers(orgId, format));
    } catch (e) {
      onError({ title: 'The export failed', message: toApiError(e).detail });
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      <Button variant="default" onClick={() => void exportAs('csv')} loading={busy === 'csv'} disabled={busy === 'ldif'}>
        Export CSV
      </Button>
      <Button variant="default" onClick={() => void exportAs('ldif')} loading={busy === 'ldif'} disabled={busy === 'csv'}>
        Export LDIF
      </Button>
    </>
  );
}
