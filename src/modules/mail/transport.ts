import { renameSync, writeFileSync } from 'node:fs';
import { privateDir } from '../../core/files.ts';
import path from 'node:path';
import nodemailer from 'nodemailer';

export interface RenderedMail {
  /** The outbox row's id and creation time name the `.eml` file. */
  id: string;
  createdAt: string;
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
  headers?: Record<string, string> | undefined;
}

/** Where mail goes: an SMTP server, or `.eml` files in the data directory when none is set. */
export interface MailTransport {
  readonly kind: 'smtp' | 'file';
  send(mail: RenderedMail): Promise<void>;
  close(): void;
}

const toNodemailer = (m: RenderedMail) => ({
  messageId: m.messageId,
  from: m.from,
  to: m.to,
  subject: m.subject,
  text: m.text,
  html: m.html,
  headers: m.headers,
});

/**
 * Every SMTP wait is kept well inside the outbox lease (`leaseSeconds`), so a
 * hung server fails the attempt before another node may take the message over.
 */
export function smtpTransport(url: string, leaseSeconds = 60): MailTransport {
  const budgetMs = Math.max(1000, Math.floor((leaseSeconds * 1000) / 3));
  const transporter = nodemailer.createTransport({
    url,
    connectionTimeout: budgetMs,
    greetingTimeout: budgetMs,
    socketTimeout: budgetMs,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    kind: 'smtp',
    async send(mail) {
      await transporter.sendMail(toNodemailer(mail));
    },
    close: () => transporter.close(),
  };
}

const headerValue = (v: string) => (/^[\x20-\x7e]*$/.test(v) ? v : `=?UTF-8?B?${Buffer.from(v, 'utf8').toString('base64')}?=`);

/**
 * A plain-text message in 8-bit MIME, so that links in it can be read or
 * copied straight from the file (quoted-printable would break them up).
 */
export function renderEml(mail: RenderedMail, date: Date): string {
  const headers: Array<[string, string]> = [
    ['From', mail.from],
    ['To', mail.to],
    ['Subject', headerValue(mail.subject)],
    ['Message-ID', mail.messageId],
    ['Date', date.toUTCString().replace('GMT', '+0000')],
    ...Object.entries(mail.headers ?? {}),
    ['MIME-Version', '1.0'],
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Transfer-Encoding', '8bit'],
  ];
  const head = headers.map(([k, v]) => `${k}: ${v.replace(/[\r\n]+/g, ' ')}`).join('\n');
  return `${head}\n\n${mail.text.replace(/\r\n/g, '\n')}\n`;
}

/**
 * Writes each message as `<dir>/<created>-<outbox id>.eml`. The name is fixed
 * by the message, so a retry after a crash rewrites the same file instead of adding one.
 */
export function fileTransport(dir: string): MailTransport {
  return {
    kind: 'file',
    async send(mail) {
      privateDir(dir);
      const name = `${mail.createdAt.replace(/[:.]/g, '-')}-${mail.id}`.replace(/[^A-Za-z0-9_-]/g, '_');
      const target = path.join(dir, `${name}.eml`);
      const tmp = `${target}.tmp`;
      writeFileSync(tmp, renderEml(mail, new Date(mail.createdAt)), { mode: 0o600 });
      renameSync(tmp, target);
    },
    close: () => {},
  };
}
