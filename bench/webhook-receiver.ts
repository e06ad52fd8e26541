/**
 * The webhooks benchmark's receiver: a trivial HTTP endpoint in a process of its own, answering
 * every POST with 204 once its body has arrived and counting them. `GET /count` answers how many
 * it has received, so the benchmark can see the deliveries happen (and wait for them). Node's
 * http module alone: no framework, no check of the signature, what an endpoint costs at least.
 *
 * usage: node --import tsx bench/webhook-receiver.ts PORT
 */
import http from 'node:http';

const [port] = process.argv.slice(2);
if (!port) {
  process.stderr.write('usage: webhook-receiver.ts PORT\n');
  process.exit(2);
}

let received = 0;
const server = http.createServer((req, res) => {
  if (req.method === 'POST') {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(204).end();
    });
    return;
  }
  if (req.method === 'GET' && req.url === '/count') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ received }));
    return;
  }
  res.writeHead(404).end();
});
server.listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
