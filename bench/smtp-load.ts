/**
 * The SMTP load generator, in a process of its own: `connections` persistent
 * connections, greeted and past EHLO, each sending one new message after
 * another (MAIL, RCPT, DATA; a closed loop, as a relay with that many
 * connections does). Every message is new (its own Message-ID and subject), so
 * each one opens a ticket at Castellan.
 *
 * usage: node --import tsx bench/smtp-load.ts PORT CONNECTIONS SECONDS WARMUP_SECONDS FROM TO [EXPECT]
 * where EXPECT is a text every 250 reply must contain; prints one JSON line:
 * ops, seconds, rate, p50Ms, p99Ms, refused, firstRefusal.
 */
import { performance } from 'node:perf_hooks';
import { type SmtpDialog, smtpDialog } from '../test/helpers/smtp-client.ts';

const [portArg, connArg, secondsArg, warmupArg, from, to, expect] = process.argv.slice(2);
const port = Number(portArg);
const connections = Number(connArg);
const seconds = Number(secondsArg);
const warmup = Number(warmupArg);
if (!port || !connections || !seconds || Number.isNaN(warmup) || !from || !to) {
  process.stderr.write('usage: smtp-load.ts PORT CONNECTIONS SECONDS WARMUP_SECONDS FROM TO [EXPECT]\n');
  process.exit(2);
}

let serial = 0;
function newMail(): string {
  const n = serial++;
  return [
    `From: Bench Admin <${from}>`,
    `To: ${to}`,
    `Subject: Bind fails on host ${n}`,
    `Message-ID: <bench.${n}.${process.pid}.${Date.now()}@bench.localhost>`,
    'Date: Mon, 2 Mar 2026 09:00:00 -0700',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Since this morning ldapsearch on host ${n} answers invalid credentials for users created today.`,
    'Nothing changed on our side. Could you have a look?',
    '',
  ].join('\r\n');
}

const dialogs: SmtpDialog[] = [];
for (let i = 0; i < connections; i++) {
  const d = smtpDialog(port);
  if ((await d.greeting).code !== 220) throw new Error('no SMTP greeting');
  await d.command('EHLO bench.localhost');
  dialogs.push(d);
}

let refused = 0;
let firstRefusal = '';
async function drive(forSeconds: number) {
  const latencies: number[] = [];
  const start = performance.now();
  const deadline = start + forSeconds * 1000;
  await Promise.all(
    dialogs.map(async (d) => {
      while (performance.now() < deadline) {
        const t = performance.now();
        const r = await d.send({ from: from as string, to: [to as string], data: newMail() });
        latencies.push(performance.now() - t);
        if (r.code !== 250 || (expect && !r.text.includes(expect))) {
          refused++;
          firstRefusal ||= `${r.code} ${r.text}`;
        }
      }
    }),
  );
  return { latencies, seconds: (performance.now() - start) / 1000 };
}

// A refusal in the warm-up counts too: it means something is broken.
if (warmup > 0) await drive(warmup);
const { latencies, seconds: elapsed } = await drive(seconds);
for (const d of dialogs) d.end();
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
process.stdout.write(`${JSON.stringify({ ops: latencies.length, seconds: elapsed, rate: latencies.length / elapsed, p50Ms: pct(0.5), p99Ms: pct(0.99), refused, firstRefusal })}\n`);
