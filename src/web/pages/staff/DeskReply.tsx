import { Button, Checkbox, Group, Menu, NativeSelect, Stack, Text, Textarea } from '@mantine/core';
import { type FormEvent, useCallback, useState } from 'react';
import type { StaffCloseReason as CloseReason } from '../../../contracts/support.ts';
import { type DeskTicket, type SupportMacro, api } from '../../api.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { splitErrors, useRequest } from '../../lib/forms.ts';
import { useLoad } from '../../lib/policies.ts';
import { CLOSE_REASONS, CLOSE_REASON_LABELS } from '../../lib/support.ts';

function MacrosMenu({ onPick }: { onPick: (m: SupportMacro) => void }) {
  const load = useCallback(() => api.deskMacros(), []);
  const { data, error } = useLoad(load);
  if (error) return <ProblemAlert message={`The prepared answers could not be loaded: ${error.detail}`} />;
  return (
    <Menu position="bottom-start" width={340} shadow="md">
      <Menu.Target>
        <Button variant="default" disabled={!data || data.items.length === 0}>
          Insert a prepared answer
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {data?.items.map((m) => (
          <Menu.Item key={m.id} onClick={() => onPick(m)}>
            <Text size="sm">{m.title}</Text>
            {m.closeReason && (
              <Text size="xs" c="dimmed">
                {`Closes as: ${CLOSE_REASON_LABELS[m.closeReason]}`}
              </Text>
            )}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

/** SUP-3, SUP-4: the desk's reply (waiting on the customer pauses the clock), prepared answers, and an out-of-scope close. */
export function DeskReply({ ticket, onChanged }: { ticket: DeskTicket; onChanged: (t: DeskTicket, notice: string) => void }) {
  const [body, setBody] = useState('');
  const [waitOnCustomer, setWaitOnCustomer] = useState(true);
  const [macro, setMacro] = useState<SupportMacro | null>(null);
  const [missing, setMissing] = useState<string | null>(null);
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['body']);

  function insert(m: SupportMacro) {
    setBody((b) => (b.trim() ? `${b.trimEnd()}\n\n${m.body}` : m.body));
    setMacro(m);
    setMissing(null);
  }

  async function send(e: FormEvent) {
    e.preventDefault();
    if (!body.trim()) return setMissing('Write the reply first.');
    setMissing(null);
    const result = await run(() => api.deskReply(ticket.id, { body, waitOnCustomer }));
    if (result.ok) {
      setBody('');
      setMacro(null);
      onChanged(result.value, waitOnCustomer ? 'Reply sent. The ticket waits on the customer.' : 'Reply sent.');
    }
  }

  /** SUP-3: the server tells the customer the reason itself; what the desk wrote besides the macro goes as the note. */
  async function closeWithMacro(m: SupportMacro, reason: CloseReason) {
    setMissing(null);
    const note = body.replace(m.body, '').trim();
    const result = await run(() => api.deskClose(ticket.id, { reason, ...(note ? { note } : {}) }));
    if (result.ok) {
      setBody('');
      setMacro(null);
      onChanged(result.value, `The ticket is closed and the customer told why: ${CLOSE_REASON_LABELS[reason]}.`);
    }
  }

  return (
    <Section title="Reply" description="The customer receives the reply by email and on the ticket's page.">
      <form onSubmit={send} noValidate aria-label="Send a reply">
        <Stack gap="sm">
          <ProblemAlert message={errors.alert} />
          <Group>
            <MacrosMenu onPick={insert} />
          </Group>
          <Textarea label="Reply to the customer" autosize minRows={5} value={body} onChange={(e) => setBody(e.currentTarget.value)} error={missing ?? errors.field('body')} />
          <Checkbox
            label="Waiting on the customer"
            description="Sets the ticket to pending and pauses its service-level clock until the customer answers."
            checked={waitOnCustomer}
            onChange={(e) => setWaitOnCustomer(e.currentTarget.checked)}
          />
          <Group gap="sm">
            <Button type="submit" loading={loading}>
              Send reply
            </Button>
            {macro?.closeReason && (
              <Button variant="light" color="orange" onClick={() => void closeWithMacro(macro, macro.closeReason ?? 'resolved')} disabled={loading}>
                {`Close as out of scope: ${CLOSE_REASON_LABELS[macro.closeReason]}`}
              </Button>
            )}
          </Group>
          {macro?.closeReason && (
            <Text size="xs" c="dimmed">
              Closing tells the customer the reason; anything you wrote besides the prepared answer is sent with it as a note.
            </Text>
          )}
        </Stack>
      </form>
    </Section>
  );
}

/** SUP-3: closing a ticket, with the reason the customer sees and an optional note. */
export function DeskClose({ ticket, onChanged }: { ticket: DeskTicket; onChanged: (t: DeskTicket, notice: string) => void }) {
  const [reason, setReason] = useState<CloseReason>('resolved');
  const [note, setNote] = useState('');
  const { loading, error, run } = useRequest();
  const errors = splitErrors(error, ['reason', 'note']);

  async function close(e: FormEvent) {
    e.preventDefault();
    const text = note.trim();
    const result = await run(() => api.deskClose(ticket.id, { reason, ...(text ? { note: text } : {}) }));
    if (result.ok) {
      setNote('');
      onChanged(result.value, `The ticket is closed: ${CLOSE_REASON_LABELS[reason]}.`);
    }
  }

  return (
    <Section title="Close the ticket" description="Out-of-scope requests are closed with their reason, which the customer sees.">
      <form onSubmit={close} noValidate aria-label="Close the ticket">
        <Stack gap="sm">
          <ProblemAlert message={errors.alert} />
          <NativeSelect
            label="Reason"
            data={CLOSE_REASONS.map((r) => ({ value: r, label: CLOSE_REASON_LABELS[r] }))}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value as CloseReason)}
            error={errors.field('reason')}
            w={{ base: '100%', xs: 380 }}
          />
          <Textarea label="Note to the customer (optional)" autosize minRows={2} value={note} onChange={(e) => setNote(e.currentTarget.value)} error={errors.field('note')} />
          <Group>
            <Button type="submit" color="gray" loading={loading}>
              Close ticket
            </Button>
          </Group>
        </Stack>
      </form>
    </Section>
  );
}
