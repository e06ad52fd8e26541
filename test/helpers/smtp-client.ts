import net from 'node:net';

/** One SMTP reply: its code and the text of each line (RFC 5321 §4.2). */
export interface SmtpReply {
  code: number;
  lines: string[];
  text: string;
}

/**
 * A raw SMTP client on one connection, for what a well-behaved library will
 * not send: garbage commands, messages over the size limit, broken MIME.
 */
export interface SmtpDialog {
  greeting: Promise<SmtpReply>;
  /** Sends one command line and resolves with its reply. */
  command(line: string): Promise<SmtpReply>;
  /** Writes raw bytes; read the answer with `reply()`. */
  write(data: string | Buffer): void;
  /** The next reply not yet taken. */
  reply(): Promise<SmtpReply>;
  /** MAIL FROM, RCPT TO, DATA and the message (dot-stuffed): the reply to the final dot, or the first refusal. */
  send(opts: { from: string; to: string[]; data: string | Buffer; sizeParam?: number }): Promise<SmtpReply>;
  /** Resolves when the server has closed the connection. */
  closed: Promise<void>;
  end(): void;
}

export function smtpDialog(port: number, host = '127.0.0.1'): SmtpDialog {
  const socket = net.connect(port, host);
  socket.setNoDelay(true);
  const replies: SmtpReply[] = [];
  const waiters: Array<{ resolve: (r: SmtpReply) => void; reject: (e: Error) => void }> = [];
  let buffer = '';
  let lines: string[] = [];
  let ended = false;
  const deliver = (r: SmtpReply) => {
    const w = waiters.shift();
    if (w) w.resolve(r);
    else replies.push(r);
  };
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    let i: number;
    while ((i = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      lines.push(line.slice(4));
      if (line[3] !== '-') {
        deliver({ code: Number(line.slice(0, 3)), lines, text: lines.join('\n') });
        lines = [];
      }
    }
  });
  const closed = new Promise<void>((resolve) => {
    socket.once('close', () => {
      ended = true;
      for (const w of waiters.splice(0)) w.reject(new Error('connection closed'));
      resolve();
    });
  });
  socket.on('error', () => {}); // a reset is seen as 'close'
  const reply = () =>
    new Promise<SmtpReply>((resolve, reject) => {
      const r = replies.shift();
      if (r) resolve(r);
      else if (ended) reject(new Error('connection closed'));
      else waiters.push({ resolve, reject });
    });
  const greeting = reply();
  const write = (data: string | Buffer) => {
    if (!socket.destroyed) socket.write(data);
  };
  const command = (line: string) => {
    write(`${line}\r\n`);
    return reply();
  };
  return {
    greeting,
    command,
    write,
    reply,
    closed,
    end: () => socket.destroy(),
    async send({ from, to, data, sizeParam }) {
      const mail = await command(`MAIL FROM:<${from}>${sizeParam === undefined ? '' : ` SIZE=${sizeParam}`}`);
      if (mail.code !== 250) return mail;
      let accepted = 0;
      for (const rcpt of to) if ((await command(`RCPT TO:<${rcpt}>`)).code === 250) accepted++;
      if (accepted === 0) return command('RSET').then(() => ({ code: 550, lines: ['no recipient accepted'], text: 'no recipient accepted' }));
      const go = await command('DATA');
      if (go.code !== 354) return go;
      const body = Buffer.isBuffer(data) ? data : Buffer.from(data);
      // RFC 5321 §4.5.2: a line that starts with a dot gets another.
      write(Buffer.from(body.toString('latin1').replace(/(^|\r\n)\./g, '$1..'), 'latin1'));
      write(body.length && !body.subarray(-2).equals(Buffer.from('\r\n')) ? '\r\n.\r\n' : '.\r\n');
      return reply();
    },
  };
}
