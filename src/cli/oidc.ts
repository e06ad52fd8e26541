import type { Command } from 'commander';
import { systemContext } from '../core/context.ts';
import { type CliIo, type GlobalOptions, action, withCore, withDataDir } from './common.ts';

/**
 * PRO-2: `castellan oidc rotate-keys`. New current ES256 and RS256 signing keys; the replaced
 * ones stay in the JWKS (tokens they signed still verify until they lapse) and the ones before
 * them leave it. Prints key ids only, never a key. Every node reads the keys from the database.
 */
export function oidcCommand(program: Command, io: CliIo): void {
  const oidc = program.command('oidc').description('the OpenID Provider');
  withDataDir(oidc.command('rotate-keys'))
    .description('make new current signing keys (ES256, RS256); the previous ones stay published in the JWKS until the next rotation')
    .action(
      action(io, async (opts: GlobalOptions) => {
        await withCore(io, opts, async (app) => {
          const keys = await app.federation.signingKeys.rotate(systemContext());
          for (const k of keys) io.stdout.write(`${k.state}\t${k.alg}\t${k.kid}\t${k.createdAt}\n`);
        });
      }),
    );
}
