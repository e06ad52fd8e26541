/**
 * The load process of the oidc benchmark's second part: authorization code + PKCE (RFC 7636)
 * through Castellan, the whole flow per iteration, from its own process:
 *
 *   GET  /oidc/auth?…&code_challenge=…&code_challenge_method=S256   → 303 to the sign-in page
 *   POST /oidc/interaction/{uid}  continue=1 (a Castellan web session) → 303 back to the provider
 *   GET  /oidc/auth/{uid}                                            → 303 to the redirect URI with the code
 *   POST /oidc/token  grant_type=authorization_code, code_verifier   → 200, the tokens
 *
 * Every iteration starts with a fresh cookie jar but for the Castellan web session, so the provider
 * never skips the sign-in page; the member continues their web session (no password: an argon2id
 * verify would be most of the cost, and the signin benchmark measures it). `concurrency` flows run
 * at once, each a closed loop.
 *
 * usage: node --import tsx bench/oidc-pkce-load.ts URL CLIENT_ID REDIRECT_URI CONCURRENCY SECONDS WARMUP
 * (the web session's token in BENCH_OIDC_SESSION); prints one JSON line.
 */
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

const [base, clientId, redirectUri, concurrencyArg = '4', secondsArg = '5', warmupArg = '1'] = process.argv.slice(2);
const session = process.env.BENCH_OIDC_SESSION;
if (!base || !clientId || !redirectUri || !session) {
  process.stderr.write('usage: oidc-pkce-load.ts URL CLIENT_ID REDIRECT_URI CONCURRENCY SECONDS WARMUP (BENCH_OIDC_SESSION set)\n');
  process.exit(2);
}

class Jar {
  readonly cookies = new Map<string, string>([['castellan_session', session as string]]);
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const value = pair.slice(eq + 1).trim();
      if (value === '') this.cookies.delete(pair.slice(0, eq).trim());
      else this.cookies.set(pair.slice(0, eq).trim(), value);
    }
  }
}

async function step(jar: Jar, url: string, init: { method?: string; body?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = { cookie: jar.header() };
  if (init.body) headers['content-type'] = 'application/x-www-form-urlencoded';
  const res = await fetch(url, { method: init.method ?? 'GET', body: init.body, headers, redirect: 'manual' });
  jar.take(res);
  return res;
}

function location(res: Response, what: string): URL {
  const to = res.headers.get('location');
  if (res.status !== 303 && res.status !== 302) throw new Error(`${what} answered ${res.status}, not a redirect`);
  if (!to) throw new Error(`${what} redirected nowhere`);
  return new URL(to, base);
}

/** One whole flow; answers how long the code exchange alone took (ms). */
async function flow(): Promise<number> {
  const jar = new Jar();
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(8).toString('base64url');
  const q = new URLSearchParams({ client_id: clientId as string, response_type: 'code', scope: 'openid', redirect_uri: redirectUri as string, code_challenge: challenge, code_challenge_method: 'S256', state });
  const page = location(await step(jar, `${base}/oidc/auth?${q}`), 'the authorization request');
  const resume = location(await step(jar, page.href, { method: 'POST', body: 'continue=1' }), 'the sign-in');
  const back = location(await step(jar, resume.href), 'the resumed authorization');
  const code = back.searchParams.get('code');
  if (!code || back.searchParams.get('state') !== state) throw new Error(`no code came back: ${back.search.slice(0, 200)}`);
  const t0 = performance.now();
  const res = await fetch(`${base}/oidc/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri as string, code_verifier: verifier, client_id: clientId as string }).toString(),
  });
  const body = (await res.json()) as { access_token?: string; id_token?: string };
  if (res.status !== 200 || !body.access_token || !body.id_token) throw new Error(`the code exchange answered ${res.status}`);
  return performance.now() - t0;
}

async function phase(seconds: number): Promise<{ flows: number[]; exchanges: number[]; errors: number; elapsed: number; lastError?: string }> {
  const flows: number[] = [];
  const exchanges: number[] = [];
  let errors = 0;
  let lastError: string | undefined;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: Number(concurrencyArg) }, async () => {
      while (performance.now() < end) {
        const s = performance.now();
        try {
          exchanges.push(await flow());
          flows.push(performance.now() - s);
        } catch (e) {
          errors++;
          lastError = e instanceof Error ? e.message : String(e);
        }
      }
    }),
  );
  return { flows, exchanges, errors, elapsed: (performance.now() - t0) / 1000, ...(lastError ? { lastError } : {}) };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number) : Number.NaN;
};

if (Number(warmupArg) > 0) await phase(Number(warmupArg));
const r = await phase(Number(secondsArg));
process.stdout.write(
  `${JSON.stringify({
    ops: r.flows.length,
    seconds: r.elapsed,
    rate: r.flows.length / r.elapsed,
    p50Ms: pct(r.flows, 50),
    p99Ms: pct(r.flows, 99),
    exchangeP50Ms: pct(r.exchanges, 50),
    exchangeP99Ms: pct(r.exchanges, 99),
    errors: r.errors,
    ...(r.lastError ? { lastError: r.lastError } : {}),
  })}\n`,
);
