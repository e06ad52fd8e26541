import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE_IDS, messageIds } from './headers.ts';
import { DEFAULT_LIMITS, UnreadableMail, parseInbound } from './parse.ts';
import { TRUNCATED_NOTE } from './sanitize.ts';

const CRLF = '\r\n';
const envelope = { mailFrom: 'ada@example.com' };

/** A message from header lines and a body, with CRLF line ends. */
function message(headers: string[], body = 'Hello support.'): Buffer {
  return Buffer.from([...headers, '', body].join(CRLF));
}
const basic = (extra: string[] = [], body?: string) =>
  message(['From: Ada Lovelace <Ada@Example.com>', 'To: support@castellan.test', 'Subject: LDAP bind fails', ...extra], body);

// No control character but tab and line feed may reach the desk.
// eslint-disable-next-line no-control-regex -- checking for control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('parseInbound: the sender', () => {
  it('SUP-1: reads From, display name, subject, body and ids of a plain message', async () => {
    const m = await parseInbound(
      basic(['Message-ID: <m1@example.com>', 'In-Reply-To: <t1@castellan.test>', 'References: <t0@castellan.test> <t1@castellan.test>']),
      envelope,
    );
    expect(m).toMatchObject({
      envelopeFrom: 'ada@example.com',
      from: 'ada@example.com',
      fromName: 'Ada Lovelace',
      subject: 'LDAP bind fails',
      text: 'Hello support.',
      messageId: '<m1@example.com>',
      inReplyTo: ['<t1@castellan.test>'],
      references: ['<t0@castellan.test>', '<t1@castellan.test>'],
      autoSubmitted: false,
      attachments: [],
    });
  });

  it('SUP-1: a message without From has no sender', async () => {
    const m = await parseInbound(message(['Subject: hi']), envelope);
    expect(m.from).toBeNull();
    expect(m.fromName).toBeNull();
  });

  it.each([
    ['two From fields', ['From: ada@example.com', 'From: mallory@evil.example']],
    ['two addresses in one From', ['From: ada@example.com, mallory@evil.example']],
    ['a group', ['From: undisclosed-recipients:;']],
    ['a name without an address', ['From: Ada Lovelace']],
    ['an address without a domain', ['From: <ada@>']],
    ['an address that is not one', ['From: <"ada"@[127.0.0.1]>']],
  ])('SUP-1: From with %s is no usable sender', async (_what, headers) => {
    const m = await parseInbound(message([...headers, 'Subject: x']), envelope);
    expect(m.from).toBeNull();
  });

  it('SUP-1: the envelope sender is kept apart from From, and <> is null', async () => {
    expect((await parseInbound(basic(), { mailFrom: '' })).envelopeFrom).toBeNull();
    expect((await parseInbound(basic(), { mailFrom: null })).envelopeFrom).toBeNull();
    expect((await parseInbound(basic(), { mailFrom: 'bounces@list.example' })).envelopeFrom).toBe('bounces@list.example');
  });

  it('SUP-1: a display name cannot carry a line break or a control character', async () => {
    const m = await parseInbound(message(['From: =?utf-8?Q?Ada=0D=0ABcc=3A_x=07?= <ada@example.com>']), envelope);
    expect(m.from).toBe('ada@example.com');
    expect(m.fromName).toBe('Ada Bcc: x');
  });
});

describe('parseInbound: threading headers', () => {
  it('SUP-1: two Message-ID fields leave the message without an id', async () => {
    const m = await parseInbound(basic(['Message-ID: <a@example.com>', 'Message-ID: <b@example.com>']), envelope);
    expect(m.messageId).toBeNull();
  });

  it('SUP-1: a missing or malformed Message-ID is null', async () => {
    expect((await parseInbound(basic(), envelope)).messageId).toBeNull();
    expect((await parseInbound(basic(['Message-ID: not an id']), envelope)).messageId).toBeNull();
    expect((await parseInbound(basic(['Message-ID: <unclosed@example.com']), envelope)).messageId).toBeNull();
  });

  it('SUP-1: In-Reply-To and References are normalized: brackets, folding, garbage and repeats dropped', async () => {
    const m = await parseInbound(
      basic([
        'In-Reply-To: "Ada\'s note" <r1@castellan.test> (comment) junk',
        'References: <r0@castellan.test>',
        '\t  <r1@castellan.test>   garbage <broken@x',
        ' <no-at-sign> <r1@castellan.test> <@x> <y@>',
        'References: <r2@castellan.test>',
      ]),
      envelope,
    );
    expect(m.inReplyTo).toEqual(['<r1@castellan.test>']);
    expect(m.references).toEqual(['<r0@castellan.test>', '<r1@castellan.test>', '<r2@castellan.test>']);
  });

  it('SUP-1: a bare id without brackets still counts, 8-bit junk does not', async () => {
    expect((await parseInbound(basic(['In-Reply-To: r1@castellan.test']), envelope)).inReplyTo).toEqual(['<r1@castellan.test>']);
    const junk = Buffer.concat([Buffer.from(`From: ada@example.com${CRLF}References: <`), Buffer.from([0xff, 0x00, 0x40, 0x80]), Buffer.from(`>${CRLF}${CRLF}x`)]);
    expect((await parseInbound(junk, envelope)).references).toEqual([]);
  });

  it(`SUP-1: at most ${MAX_MESSAGE_IDS} ids are kept from References`, async () => {
    const ids = Array.from({ length: 500 }, (_, i) => `<id${i}@example.com>`);
    const m = await parseInbound(basic([`References: ${ids.join(`${CRLF} `)}`]), envelope);
    expect(m.references).toEqual(ids.slice(0, MAX_MESSAGE_IDS));
    expect(messageIds([ids.join(' ')], 3)).toEqual(ids.slice(0, 3));
  });
});

describe('parseInbound: automatic mail (RFC 3834)', () => {
  it.each([
    ['Auto-Submitted: auto-replied', true],
    ['Auto-Submitted: auto-generated', true],
    ['Auto-Submitted: auto-notified; owner-email="a@example.com"', true],
    ['Auto-Submitted: AUTO-REPLIED (vacation)', true],
    ['Auto-Submitted: no', false],
    ['Auto-Submitted: No (a person wrote this)', false],
    ['Precedence: bulk', true],
    ['Precedence: junk', true],
    ['Precedence: List', true],
    ['Precedence: first-class', false],
    ['X-Autoreply: yes', true],
    ['X-Autorespond: vacation', true],
    ['X-Priority: 1', false],
  ])('SUP-1: %s → automatic %s', async (header, auto) => {
    expect((await parseInbound(basic([header]), envelope)).autoSubmitted).toBe(auto);
  });

  it('SUP-1: a second Auto-Submitted field that is not "no" makes it automatic', async () => {
    expect((await parseInbound(basic(['Auto-Submitted: no', 'Auto-Submitted: auto-replied']), envelope)).autoSubmitted).toBe(true);
  });

  it('SUP-1: mail from the null envelope sender (a bounce) is automatic', async () => {
    expect((await parseInbound(basic(), { mailFrom: '' })).autoSubmitted).toBe(true);
  });
});

describe('parseInbound: subject and body', () => {
  it('SUP-1: an encoded line break in the subject cannot inject a header', async () => {
    const m = await parseInbound(message(['From: ada@example.com', 'Subject: =?utf-8?Q?Help=0D=0ABcc=3A_all=40example.com?=']), envelope);
    expect(m.subject).toBe('Help Bcc: all@example.com');
  });

  it('SUP-1: the subject is trimmed, bounded and rid of bidi overrides', async () => {
    const m = await parseInbound(message(['From: ada@example.com', `Subject:    =?utf-8?Q?=E2=80=AEfdp.exe?= ${'x'.repeat(1000)}   `]), envelope);
    expect(m.subject.startsWith('fdp.exe x')).toBe(true);
    expect(m.subject.length).toBe(DEFAULT_LIMITS.maxSubjectChars);
  });

  it('SUP-1: a huge body is cut to the limit with a note', async () => {
    const m = await parseInbound(basic([], 'all work and no play '.repeat(100_000)), envelope);
    expect(m.text.length).toBeLessThanOrEqual(DEFAULT_LIMITS.maxTextChars);
    expect(m.text.endsWith(TRUNCATED_NOTE)).toBe(true);
    const small = await parseInbound(basic([], 'x'.repeat(5000)), envelope, { ...DEFAULT_LIMITS, maxTextChars: 1000 });
    expect(small.text.length).toBeLessThanOrEqual(1000);
  });

  it('SUP-1: an HTML-only message is read as text, without tags or scripts', async () => {
    const m = await parseInbound(
      message(['From: ada@example.com', 'Content-Type: text/html; charset=utf-8'], '<p>Hello <b>there</b></p><script>alert(1)</script><p>Bye &amp; thanks</p>'),
      envelope,
    );
    expect(m.text).toContain('Hello there');
    expect(m.text).toContain('Bye & thanks');
    expect(m.text).not.toMatch(/<|alert/);
  });

  it('SUP-1: HTML too deep for the converter is still read, in linear time', async () => {
    const html = `${'<div>'.repeat(5000)}deep text${'</div>'.repeat(5000)}`;
    const m = await parseInbound(message(['From: ada@example.com', 'Content-Type: text/html'], html), envelope);
    expect(m.text).toBe('deep text');
    const t = Date.now();
    const flood = await parseInbound(message(['From: ada@example.com', 'Content-Type: text/html'], `ok ${'<'.repeat(2_000_000)}`), envelope);
    expect(flood.text).toBe('ok');
    expect(Date.now() - t).toBeLessThan(10_000);
  });

  it('SUP-1: the text part wins over the HTML part of an alternative', async () => {
    const m = await parseInbound(
      message(
        ['From: ada@example.com', 'Content-Type: multipart/alternative; boundary="alt"'],
        ['--alt', 'Content-Type: text/plain', '', 'plain words', '--alt', 'Content-Type: text/html', '', '<p>html words</p>', '--alt--', ''].join(CRLF),
      ),
      envelope,
    );
    expect(m.text).toBe('plain words');
  });

  it('SUP-1: 8-bit junk in headers and body leaves no control character', async () => {
    const raw = Buffer.concat([
      Buffer.from(`From: ada@example.com${CRLF}Subject: `),
      Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x1b, 0x80]),
      Buffer.from(`${CRLF}${CRLF}`),
      Buffer.from([0xc3, 0x28, 0x00, 0x1b, 0x5b, 0x32, 0x4a, 0x0d, 0x0a, 0x41]),
    ]);
    const m = await parseInbound(raw, envelope);
    expect(m.from).toBe('ada@example.com');
    expect(m.subject).not.toMatch(CONTROL);
    expect(m.text).not.toMatch(CONTROL);
    expect(m.text).toContain('A');
  });
});

describe('parseInbound: broken MIME', () => {
  it('SUP-1: a boundary that never occurs: the body is kept as it came', async () => {
    const m = await parseInbound(
      message(
        ['From: ada@example.com', 'Content-Type: multipart/mixed; boundary="declared"'],
        ['--other', 'Content-Type: text/plain', '', 'the words that matter', '--other--'].join(CRLF),
      ),
      envelope,
    );
    expect(m.text).toContain('the words that matter');
  });

  it('SUP-1: a multipart without its closing boundary still gives its text', async () => {
    const m = await parseInbound(
      message(['From: ada@example.com', 'Content-Type: multipart/mixed; boundary="b"'], ['--b', 'Content-Type: text/plain', '', 'unterminated'].join(CRLF)),
      envelope,
    );
    expect(m.text).toContain('unterminated');
  });

  it('SUP-1: bad base64 is accepted as whatever it decodes to', async () => {
    const m = await parseInbound(
      message(['From: ada@example.com', 'Content-Type: text/plain', 'Content-Transfer-Encoding: base64'], '!!!not*base64@@@==\r\nSGVsbG8='),
      envelope,
    );
    expect(m.from).toBe('ada@example.com');
    expect(m.text).not.toMatch(CONTROL);
  });

  it('SUP-1: nested multiparts are walked to their text and attachments', async () => {
    let body = ['--b5', 'Content-Type: text/plain', '', 'deep words', '--b5', 'Content-Type: application/pdf; name="r.pdf"', 'Content-Transfer-Encoding: base64', '', 'JVBERi0xLjQK', '--b5--'].join(CRLF);
    for (let i = 4; i >= 0; i--) body = [`--b${i}`, `Content-Type: multipart/mixed; boundary="b${i + 1}"`, '', body, `--b${i}--`].join(CRLF);
    const m = await parseInbound(message(['From: ada@example.com', 'Content-Type: multipart/mixed; boundary="b0"'], body), envelope);
    expect(m.text).toBe('deep words');
    expect(m.attachments).toEqual([{ filename: 'r.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4\n') }]);
  });

  it('SUP-1: thousands of nested parts or a header over 1 MiB are unreadable, and say so', async () => {
    let body = 'x';
    for (let i = 3000; i >= 0; i--) body = [`--b${i}`, `Content-Type: multipart/mixed; boundary="b${i + 1}"`, '', body, `--b${i}--`].join(CRLF);
    await expect(parseInbound(message(['From: ada@example.com', 'Content-Type: multipart/mixed; boundary="b0"'], body), envelope)).rejects.toBeInstanceOf(UnreadableMail);
    await expect(parseInbound(basic([`X-Big: ${'a'.repeat(2 * 1024 * 1024)}`]), envelope)).rejects.toBeInstanceOf(UnreadableMail);
  });

  it('SUP-1: empty input and NUL bytes give a message without sender, not an exception', async () => {
    expect((await parseInbound(Buffer.alloc(0), envelope)).from).toBeNull();
    const nul = await parseInbound(Buffer.alloc(4096, 0), envelope);
    expect(nul.from).toBeNull();
    expect(nul.text).toBe('');
  });
});

describe('parseInbound: attachments', () => {
  const withAttachments = (parts: Array<{ name: string; type: string; base64: string }>) =>
    message(
      ['From: ada@example.com', 'Content-Type: multipart/mixed; boundary="m"'],
      [
        '--m',
        'Content-Type: text/plain',
        '',
        'see attached',
        ...parts.flatMap((p) => ['--m', `Content-Type: ${p.type}`, `Content-Disposition: attachment; filename="${p.name}"`, 'Content-Transfer-Encoding: base64', '', p.base64]),
        '--m--',
        '',
      ].join(CRLF),
    );

  it('SUP-1: keeps file name, media type and bytes; a path in the name is dropped', async () => {
    const m = await parseInbound(withAttachments([{ name: '../../etc/passwd.txt', type: 'text/plain', base64: Buffer.from('root').toString('base64') }]), envelope);
    expect(m.attachments).toEqual([{ filename: 'passwd.txt', contentType: 'text/plain', content: Buffer.from('root') }]);
  });

  it('SUP-1: an invalid media type becomes application/octet-stream, an empty name a fallback', async () => {
    const m = await parseInbound(withAttachments([{ name: '...', type: 'not a type', base64: 'AAAA' }]), envelope);
    expect(m.attachments[0]).toMatchObject({ filename: 'attachment', contentType: 'application/octet-stream' });
  });

  it('SUP-1: attachments over the size or count limit are left out and named in the text', async () => {
    const big = Buffer.alloc(3000, 1).toString('base64');
    const small = Buffer.from('ok').toString('base64');
    const parts = [{ name: 'big.bin', type: 'application/octet-stream', base64: big }, ...Array.from({ length: 4 }, (_, i) => ({ name: `s${i}.txt`, type: 'text/plain', base64: small }))];
    const m = await parseInbound(withAttachments(parts), envelope, { ...DEFAULT_LIMITS, maxAttachments: 2, maxAttachmentBytes: 1000 });
    expect(m.attachments.map((a) => a.filename)).toEqual(['s0.txt', 's1.txt']);
    expect(m.text).toContain('see attached');
    expect(m.text).toContain('"big.bin" (3 KiB) was not kept');
    expect(m.text).toContain('"s2.txt" was not kept: more than 2 attachments');
  });

  it('SUP-1: the notes on left-out attachments fit within the text limit, after a cut body', async () => {
    const raw = message(
      ['From: ada@example.com', 'Content-Type: multipart/mixed; boundary="m"'],
      ['--m', 'Content-Type: text/plain', '', 'y'.repeat(10_000), '--m', 'Content-Type: application/zip', 'Content-Disposition: attachment; filename="huge.zip"', 'Content-Transfer-Encoding: base64', '', Buffer.alloc(3000).toString('base64'), '--m--', ''].join(CRLF),
    );
    const m = await parseInbound(raw, envelope, { ...DEFAULT_LIMITS, maxTextChars: 1000, maxAttachmentBytes: 1000 });
    expect(m.text.length).toBeLessThanOrEqual(1000);
    expect(m.text).toContain(TRUNCATED_NOTE.trim());
    expect(m.text.endsWith('[Attachment "huge.zip" (3 KiB) was not kept: larger than 1 KiB.]')).toBe(true);
  });

  it('SUP-1: a forwarded message is an attachment with a name', async () => {
    const m = await parseInbound(
      message(
        ['From: ada@example.com', 'Content-Type: multipart/mixed; boundary="f"'],
        ['--f', 'Content-Type: text/plain', '', 'fwd', '--f', 'Content-Type: message/rfc822', '', 'From: inner@example.com', 'Subject: inner', '', 'inner body', '--f--'].join(CRLF),
      ),
      envelope,
    );
    expect(m.text).toBe('fwd');
    expect(m.attachments[0]).toMatchObject({ filename: 'message.eml', contentType: 'message/rfc822' });
  });
});
