import type * as OidcLibrary from 'oidc-provider';
import type Provider from 'oidc-provider';
import type { Logger } from 'pino';
import { OIDC_MOUNT, oidcConfiguration, type OidcConfigurationInput } from './configuration.ts';

export { OIDC_MOUNT } from './configuration.ts';

export const issuerOf = (publicUrl: string) => `${publicUrl}${OIDC_MOUNT}`;

let library: Promise<typeof OidcLibrary> | undefined;

/**
 * Loads oidc-provider once. On import it prints a warning on Node 20 ("Unsupported runtime": it
 * supports Node 22 and later, and works on 20); that warning becomes one line of our JSON log
 * instead of raw text on stderr, where the command line keeps one-line errors.
 */
function loadLibrary(log: Logger): Promise<typeof OidcLibrary> {
  library ??= (async () => {
    const printed: string[] = [];
    // eslint-disable-next-line no-console -- captured for the duration of the import only, to log it as JSON.
    const warn = console.warn;
    // eslint-disable-next-line no-console -- as above.
    console.warn = (...args: unknown[]) => printed.push(args.map(String).join(' '));
    try {
      return await import('oidc-provider');
    } finally {
      // eslint-disable-next-line no-console -- restores what was captured above.
      console.warn = warn;
      for (const line of printed) log.warn({ library: 'oidc-provider' }, line);
    }
  })();
  return library;
}

/**
 * One provider instance. Koa's own error printing is off: the library's `server_error` event is
 * logged once, with the message only (a request can carry tokens; none reaches the log).
 */
export async function createProvider(opts: OidcConfigurationInput & { issuer: string; trustProxy: boolean; log: Logger }): Promise<Provider> {
  const { default: OidcProvider, interactionPolicy, errors } = await loadLibrary(opts.log);
  const provider = new OidcProvider(opts.issuer, oidcConfiguration(opts, interactionPolicy, errors));
  provider.proxy = opts.trustProxy;
  provider.silent = true;
  provider.on('server_error', (_ctx: unknown, err: Error) => opts.log.error({ err: { message: err.message, name: err.name } }, 'oidc provider error'));
  return provider;
}
