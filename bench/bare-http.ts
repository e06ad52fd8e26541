/**
 * The baseline of the HTTP benchmarks: a bare Fastify route in a process of
 * its own, answering every GET and POST with one constant body, read from a
 * file so that it has the size of the answer it stands in for. The same
 * requests that go to Castellan come here (a catch-all route), so the load
 * generator does the same work on both sides. Fastify's defaults, no logger,
 * no hooks, no schema: what any Node HTTP service pays at least.
 *
 * usage: node --import tsx bench/bare-http.ts PORT BODY_FILE [CONTENT_TYPE]
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const [port, bodyFile, contentType = 'application/json; charset=utf-8'] = process.argv.slice(2);
if (!port || !bodyFile) {
  process.stderr.write('usage: bare-http.ts PORT BODY_FILE [CONTENT_TYPE]\n');
  process.exit(2);
}
// A string, as Castellan's serializer hands Fastify a string.
const body = readFileSync(bodyFile, 'utf8');

const app = Fastify();
app.get('/ready', async () => 'ready');
app.route({ method: ['GET', 'POST'], url: '*', handler: async (_req, reply) => reply.type(contentType).send(body) });
await app.listen({ host: '127.0.0.1', port: Number(port) });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
