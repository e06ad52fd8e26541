import type { Command } from 'commander';
import { systemContext } from '../core/context.ts';
import { type CliIo, type GlobalOptions, action, withCore, withDataDir } from './common.ts';

/**
 * PRO-2: `castellan oidc rotate-keys`. New current ES256 and RS256 signing keys at once, through
 * the same service method as the scheduled rotation (CASTELLAN_OIDC_KEY_ROTATION_DAYS): the
 * replaced ones stay in the JWKS until every token they signed has lapsed, and earlier ones past
 * that leave it. Prints key ids only, never a key. Every node reads the keys from the database.
 */
export function oidcCommand(program: Command, io: CliIo): void {
  const oidc = program.command('oidc').description('the OpenID Provider');
  withDataDir(oidc.command('rotate-keys'))
    .description('make new current signing keys (ES256, RS256) now; the replaced ones stay published in the JWKS until the tokens they signed have expired')
    .action(
      action(io, async (opts: GlobalOptions) => {
        await withCore(io, opts, async (app) => {
          const keys = await app.federation.signingKeys.rotate(systemContext());
          for (const k of keys) io.stdout.write(`${k.state}\t${k.alg}\t${k.kid}\t${k.createdAt}\n`);
        });
      }),
    );
}
