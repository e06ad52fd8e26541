import type { FastifyReply } from 'fastify';
import { CLOSE_REASON_NAMES, ENVIRONMENTS, PRIORITIES, TICKET_STATUSES, VERIFICATION_ACTIONS } from '../../modules/support/index.ts';
import { strictObject } from '../schemas.ts';

/** JSON schemas shared by the support routes of org admins and of the staff desk. */
const nullableString = { type: ['string', 'null'] } as const;

export const attachmentInput = strictObject(
  {
    filename: { type: 'string', minLength: 1, maxLength: 255 },
    contentType: { type: 'string', minLength: 3, maxLength: 255 },
    contentBase64: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9+/]*={0,2}$', description: 'The file, base64-encoded' },
  },
  ['filename', 'contentType', 'contentBase64'],
);

export const attachmentsInput = { type: 'array', maxItems: 10, items: attachmentInput } as const;

const attachmentInfo = {
  type: 'object',
  properties: { id: { type: 'string' }, filename: { type: 'string' }, contentType: { type: 'string' }, size: { type: 'integer' } },
  required: ['id', 'filename', 'contentType', 'size'],
} as const;

const message = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    author: {
      type: 'object',
      properties: { kind: { type: 'string', enum: ['customer', 'staff', 'system'] }, name: { type: 'string' } },
      required: ['kind', 'name'],
    },
    body: { type: 'string' },
    channel: { type: 'string', enum: ['web', 'email'] },
    autoSubmitted: { type: 'boolean', description: 'An automatic reply (RFC 3834): recorded, changes nothing' },
    createdAt: { type: 'string' },
    attachments: { type: 'array', items: attachmentInfo },
  },
  required: ['id', 'author', 'body', 'channel', 'autoSubmitted', 'createdAt', 'attachments'],
} as const;

const summaryProperties = {
  id: { type: 'string' },
  orgId: { type: 'string' },
  subject: { type: 'string' },
  status: { type: 'string', enum: TICKET_STATUSES, description: '`pending` waits on the customer: the service-level clocks are paused' },
  environment: { type: 'string', enum: ENVIRONMENTS },
  productionImpact: { type: 'boolean' },
  systemVersion: nullableString,
  priority: { type: 'string', enum: PRIORITIES },
  channel: { type: 'string', enum: ['web', 'email'] },
  eligibility: {
    type: 'object',
    description: 'SUP-2, computed when the ticket was opened (and when the plan changes)',
    properties: {
      level: { type: 'string', enum: ['full', 'limited'] },
      reason: { type: 'string' },
      plan: { type: 'string' },
      fullSupportUntil: nullableString,
    },
    required: ['level', 'reason', 'plan', 'fullSupportUntil'],
  },
  criticalDefect: { type: 'boolean' },
  endOfLife: {
    type: ['object', 'null'],
    properties: { system: { type: 'string' }, version: { type: 'string' }, endOfLifeOn: nullableString },
  },
  closeReason: { type: ['string', 'null'], enum: [...CLOSE_REASON_NAMES, null] },
  closeReasonText: nullableString,
  closeNote: nullableString,
  specialist: { type: ['object', 'null'], properties: { id: { type: 'string' }, name: { type: 'string' } } },
  sla: {
    type: 'object',
    description: 'SUP-4: due instants in business hours (Mon–Fri 09:00–17:00 America/Denver, federal holidays excluded); null when no target is running',
    properties: {
      paused: { type: 'boolean' },
      firstResponseDueAt: nullableString,
      firstRespondedAt: nullableString,
      nextResponseDueAt: nullableString,
      resolutionDueAt: nullableString,
    },
    required: ['paused', 'firstResponseDueAt', 'firstRespondedAt', 'nextResponseDueAt', 'resolutionDueAt'],
  },
  createdAt: { type: 'string' },
  updatedAt: { type: 'string' },
  closedAt: nullableString,
} as const;

const summaryRequired = Object.keys(summaryProperties);

export const ticketSummary = { type: 'object', properties: summaryProperties, required: summaryRequired } as const;

const suggestion = {
  type: 'object',
  properties: { slug: { type: 'string' }, title: { type: 'string' }, url: { type: 'string' } },
  required: ['slug', 'title', 'url'],
} as const;

export const ticket = {
  type: 'object',
  properties: { ...summaryProperties, messages: { type: 'array', items: message }, suggestions: { type: 'array', items: suggestion } },
  required: [...summaryRequired, 'messages', 'suggestions'],
} as const;

export const verification = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    action: { type: 'string', enum: VERIFICATION_ACTIONS },
    userId: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'confirmed', 'used', 'expired'] },
    createdAt: { type: 'string' },
    expiresAt: { type: 'string' },
    confirmedAt: nullableString,
  },
  required: ['id', 'action', 'userId', 'status', 'createdAt', 'expiresAt', 'confirmedAt'],
} as const;

export const staffTicket = {
  type: 'object',
  properties: { ...ticket.properties, orgName: { type: 'string' }, verifications: { type: 'array', items: verification } },
  required: [...ticket.required, 'orgName', 'verifications'],
} as const;

export const queueItem = {
  type: 'object',
  properties: { ...summaryProperties, orgName: { type: 'string' } },
  required: [...summaryRequired, 'orgName'],
} as const;

/** Only a few types are given their own Content-Type; everything else downloads as bytes, and nothing renders in the page's origin. */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'text/plain']);

export function sendAttachment(reply: FastifyReply, file: { filename: string; contentType: string; content: Buffer }) {
  reply.header('content-type', INLINE_TYPES.has(file.contentType) ? file.contentType : 'application/octet-stream');
  reply.header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
  reply.header('content-security-policy', "default-src 'none'; sandbox");
  return reply.send(file.content);
}

export const attachmentResponse = { type: 'string', format: 'binary' } as const;

/** Base64 of `n` bytes, and room for the rest of the body. */
export const bodyLimitFor = (maxAttachmentBytes: number) => Math.ceil((maxAttachmentBytes * 3 * 4) / 3) + 256 * 1024;

export const decodeAttachments = (list: Array<{ filename: string; contentType: string; contentBase64: string }> | undefined) =>
  (list ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.contentBase64, 'base64') }));
