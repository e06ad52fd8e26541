/**
 * The baseline of the oidc benchmark: a bare oidc-provider (the version Castellan runs) with its
 * own in-memory adapter and one static client, in a process of its own, mounted under /oidc as
 * Castellan mounts it, so that the same requests go to both. Client credentials only, with the
 * same scopes, lifetimes and opaque tokens (no resource indicator) as Castellan's API clients.
 *
 * usage: node --import tsx bench/oidc-bare.ts PORT CLIENT_ID CLIENT_SECRET SCOPES
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { JWKS } from 'oidc-provider';

const [port, clientId, clientSecret, scopes = ''] = process.argv.slice(2);
if (!port || !clientId || !clientSecret) {
  process.stderr.write('usage: oidc-bare.ts PORT CLIENT_ID CLIENT_SECRET SCOPES\n');
  process.exit(2);
}

// The "Unsupported runtime" warning on Node 20 goes to stderr, which the benchmark keeps for errors only.
const { default: Provider } = await import('oidc-provider');
const MOUNT = '/oidc';
const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
const provider = new Provider(`http://127.0.0.1:${port}${MOUNT}`, {
  clients: [{ client_id: clientId, client_secret: clientSecret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], token_endpoint_auth_method: 'client_secret_basic', id_token_signed_response_alg: 'ES256', scope: scopes }],
  jwks: { keys: [{ ...key, alg: 'ES256', use: 'sig', kid: 'bench' }] } as unknown as JWKS,
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  scopes: ['openid', ...scopes.split(' ').filter(Boolean)],
  features: { devInteractions: { enabled: false }, clientCredentials: { enabled: true }, introspection: { enabled: true }, revocation: { enabled: true } },
  ttl: { ClientCredentials: 10 * 60 },
});
provider.silent = true;
const handler = provider.callback() as (req: IncomingMessage, res: ServerResponse) => void;

const server = createServer((req, res) => {
  const url = req.url ?? '/';
  if (!url.startsWith(MOUNT)) {
    res.writeHead(404).end();
    return;
  }
  // As Castellan mounts it: oidc-provider finds its mount path from originalUrl minus url.
  (req as IncomingMessage & { originalUrl?: string }).originalUrl = url;
  const rest = url.slice(MOUNT.length);
  req.url = rest.startsWith('/') ? rest : `/${rest}`;
  handler(req, res);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
