import type { FastifyReply } from 'fastify';
import type { AttachmentInput } from '../../contracts/support.ts';

/** Attachments over HTTP, for the support routes of org admins and of the staff desk. */

/** Only a few types are given their own Content-Type; everything else downloads as bytes, and nothing renders in the page's origin. */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'text/plain']);

export function sendAttachment(reply: FastifyReply, file: { filename: string; contentType: string; content: Buffer }) {
  reply.header('content-type', INLINE_TYPES.has(file.contentType) ? file.contentType : 'application/octet-stream');
  reply.header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
  reply.header('content-security-policy', "default-src 'none'; sandbox");
  return reply.send(file.content);
}

/** Base64 of `n` bytes, and room for the rest of the body. */
export const bodyLimitFor = (maxAttachmentBytes: number) => Math.ceil((maxAttachmentBytes * 3 * 4) / 3) + 256 * 1024;

export const decodeAttachments = (list: AttachmentInput[] | undefined) =>
  (list ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.contentBase64, 'base64') }));
