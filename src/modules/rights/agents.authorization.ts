import { sha256 } from '../../core/crypto.ts';
import { AppError } from '../../core/errors.ts';
import { RightsErrors } from './rights.errors.ts';

/** DSR-3: the largest signed authorization an agent may upload (a scan or a PDF). */
export const AUTHORIZATION_MAX_BYTES = 2 * 1024 * 1024;

/** The types accepted, each known by the first bytes of its content, whatever the name or the declared type say. */
const SIGNATURES: ReadonlyArray<{ type: string; magic: Buffer; extensions: readonly string[] }> = [
  { type: 'application/pdf', magic: Buffer.from('%PDF-', 'latin1'), extensions: ['pdf'] },
  { type: 'image/png', magic: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), extensions: ['png'] },
  { type: 'image/jpeg', magic: Buffer.from([0xff, 0xd8, 0xff]), extensions: ['jpg', 'jpeg'] },
];

export interface AuthorizationInput {
  filename: string;
  contentType: string;
  /** Base64. */
  content: string;
}

export interface AuthorizationFile {
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  content: Buffer;
}

/** A file name safe to show and to offer for download: no path, no control characters. */
function cleanName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  return [...base].filter((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f && c !== '"').join('').trim().slice(0, 200);
}

/**
 * DSR-3: accepts a PDF, PNG or JPEG of at most AUTHORIZATION_MAX_BYTES whose content is what its
 * declared type and its name say; anything else is refused before the request is recorded.
 */
export function checkAuthorization(input: AuthorizationInput): AuthorizationFile {
  const refuse = (why: string) => new AppError(RightsErrors.authorizationFileRefused, why, { details: { field: 'authorization' } });
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(input.content) || input.content.length % 4 !== 0) throw refuse('The authorization is not valid base64.');
  if (Math.floor((input.content.length * 3) / 4) > AUTHORIZATION_MAX_BYTES + 2) throw new AppError(RightsErrors.authorizationTooLarge, undefined, { details: { field: 'authorization', maxBytes: AUTHORIZATION_MAX_BYTES } });
  const content = Buffer.from(input.content, 'base64');
  if (content.length === 0) throw refuse('The authorization is empty.');
  if (content.length > AUTHORIZATION_MAX_BYTES) throw new AppError(RightsErrors.authorizationTooLarge, undefined, { details: { field: 'authorization', maxBytes: AUTHORIZATION_MAX_BYTES } });
  const sniffed = SIGNATURES.find((s) => content.subarray(0, s.magic.length).equals(s.magic));
  if (!sniffed) throw refuse('The authorization must be a PDF, PNG or JPEG file.');
  if (input.contentType.toLowerCase().split(';')[0]?.trim() !== sniffed.type) throw refuse(`The file is a ${sniffed.type}, not ${input.contentType}.`);
  const filename = cleanName(input.filename);
  const ext = filename.toLowerCase().split('.').pop() ?? '';
  if (!filename || !sniffed.extensions.includes(ext)) throw refuse(`Name the file with the extension of its type (${sniffed.extensions.join(' or ')}).`);
  return { filename, contentType: sniffed.type, size: content.length, sha256: sha256(content), content };
}
