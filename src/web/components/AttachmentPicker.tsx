import { Button, Group, Input, Stack, Text } from '@mantine/core';
import { type ChangeEvent, useId, useRef, useState } from 'react';
import type { AttachmentInput } from '../api.ts';
import { bytesToBase64, formatBytes } from '../lib/support.ts';

/** A file chosen to send, read into base64 already. */
export interface PickedFile extends AttachmentInput {
  size: number;
}

async function read(file: File): Promise<PickedFile> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return { filename: file.name, contentType: file.type || 'application/octet-stream', contentBase64: bytesToBase64(bytes), size: file.size };
}

/** The files as the API takes them (without the sizes shown here). */
export const toAttachments = (files: PickedFile[]): AttachmentInput[] =>
  files.map(({ filename, contentType, contentBase64 }) => ({ filename, contentType, contentBase64 }));

/** A file input whose chosen files are listed with their sizes, each removable. */
export function AttachmentPicker({ files, onChange, error }: { files: PickedFile[]; onChange: (files: PickedFile[]) => void; error?: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [reading, setReading] = useState(false);
  const [readError, setReadError] = useState<string | null>(null);

  async function pick(e: ChangeEvent<HTMLInputElement>) {
    const chosen = Array.from(e.currentTarget.files ?? []);
    if (chosen.length === 0) return;
    setReading(true);
    setReadError(null);
    try {
      const picked = await Promise.all(chosen.map(read));
      onChange([...files, ...picked]);
    } catch {
      setReadError('A file could not be read. Choose it again.');
    } finally {
      setReading(false);
      // The same file can be chosen again after it was removed.
      if (input.current) input.current.value = '';
    }
  }

  const total = files.reduce((sum, f) => sum + f.size, 0);
  const message = readError ?? error;
  return (
    <Input.Wrapper
      id={id}
      labelElement="div"
      role="group"
      aria-labelledby={`${id}-label`}
      label="Attachments (optional)"
      description="Screenshots, logs or configuration files that help us see the problem. Leave out passwords and keys."
      error={message}
    >
      <Stack gap="xs" mt={4}>
        {/* The native input stays hidden: its "No file chosen" would contradict the list below. */}
        <input ref={input} type="file" multiple hidden tabIndex={-1} onChange={(e) => void pick(e)} />
        <Group>
          <Button
            variant="default"
            onClick={() => input.current?.click()}
            loading={reading}
            aria-describedby={message ? `${id}-error ${id}-description` : `${id}-description`}
          >
            {files.length > 0 ? 'Add more files' : 'Add files'}
          </Button>
        </Group>
        {files.length > 0 && (
          <Stack gap={4} component="ul" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Chosen files">
            {files.map((f, i) => (
              <Group component="li" key={`${f.filename}-${i}`} gap="sm" wrap="nowrap" justify="space-between">
                <Text size="sm" truncate="end">
                  {f.filename} <Text span c="dimmed" size="sm">{`(${formatBytes(f.size)})`}</Text>
                </Text>
                <Button
                  size="compact-xs"
                  variant="subtle"
                  color="red"
                  onClick={() => onChange(files.filter((_, j) => j !== i))}
                  aria-label={`Remove ${f.filename}`}
                >
                  Remove
                </Button>
              </Group>
            ))}
            <Text size="xs" c="dimmed">{`${files.length} ${files.length === 1 ? 'file' : 'files'}, ${formatBytes(total)} in all.`}</Text>
          </Stack>
        )}
      </Stack>
    </Input.Wrapper>
  );
}
