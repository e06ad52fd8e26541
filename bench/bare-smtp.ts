/**
 * The baseline of the inbound-mail benchmark: an smtp-server in a process of
 * its own with the settings of Castellan's listener (src/protocols/smtp-in),
 * whose onData drains the message and answers 250: what receiving mail costs
 * before anything is done with it.
 *
 * usage: node --import tsx bench/bare-smtp.ts PORT MAX_MESSAGE_BYTES
 */
import { SMTPServer } from 'smtp-server';

const [port, maxBytes] = process.argv.slice(2).map(Number);
if (!port || !maxBytes) {
  process.stderr.write('usage: bare-smtp.ts PORT MAX_MESSAGE_BYTES\n');
  process.exit(2);
}

const server = new SMTPServer({
  banner: 'bare smtp-server',
  logger: false,
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  size: maxBytes,
  rejectOversized: true,
  maxRecipients: 10,
  disableReverseLookup: true,
  onRcptTo(_address, _session, callback) {
    callback();
  },
  onData(stream, _session, callback) {
    stream.on('end', () => callback(null, 'OK'));
    stream.resume();
  },
});
server.on('error', () => {}); // a client dropping its connection
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
