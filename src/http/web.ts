import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const LANDING = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Castellan</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5">
<h1>Castellan is running</h1>
<p>The web app is not built. <code>npm start</code> builds it; or run <code>npm run build:web</code>.
The HTTP API is at <code>/api/v1</code>, described at <a href="/openapi.json">/openapi.json</a>.</p>
</body></html>`;

/** Pages may load only Castellan's own scripts and styles; nothing may frame them. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

const NOT_PAGES = /^\/(api|healthz|metrics|openapi\.json)(\/|$|\?)/;

/**
 * Serves the built web app (dist/web) at `/`: hashed assets are cached for a
 * year; every other GET that asks for HTML gets index.html, so deep links
 * survive a reload and the client-side router takes over.
 */
export async function registerWeb(app: FastifyInstance, webRoot: string): Promise<(req: FastifyRequest, reply: FastifyReply) => boolean> {
  const indexFile = path.join(webRoot, 'index.html');
  const built = existsSync(indexFile);
  // Re-read when a rebuild replaced the page, so it never names chunks that are gone.
  let cached = { mtimeMs: -1, html: LANDING };
  const index = () => {
    if (!built) return LANDING;
    const { mtimeMs } = statSync(indexFile, { throwIfNoEntry: false }) ?? { mtimeMs: -1 };
    if (mtimeMs !== cached.mtimeMs && mtimeMs !== -1) cached = { mtimeMs, html: readFileSync(indexFile, 'utf8') };
    return cached.html;
  };
  if (built) {
    await app.register(fastifyStatic, {
      root: webRoot,
      prefix: '/',
      wildcard: false,
      index: false,
      cacheControl: false,
      setHeaders(res, file) {
        res.setHeader('cache-control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  const sendIndex = (reply: FastifyReply) =>
    reply.type('text/html; charset=utf-8').header('content-security-policy', CSP).header('cache-control', 'no-cache').send(index());

  app.get('/', { config: { auth: 'none' }, schema: { hide: true } }, async (_req, reply) => sendIndex(reply));

  /** The not-found handler asks this first: true when it answered with the app's page. */
  return (req, reply) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (NOT_PAGES.test(req.url) || !String(req.headers.accept ?? '').includes('text/html')) return false;
    void sendIndex(reply);
    return true;
  };
}
