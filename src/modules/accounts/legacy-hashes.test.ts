import { describe, expect, it } from 'vitest';
import { MAX_BCRYPT_COST, MAX_CRYPT_ROUNDS, MAX_LEGACY_PASSWORD_BYTES, parseLegacyHash, sha512Crypt, verifyLegacyHash } from './legacy-hashes.ts';

const PASSWORD = 'correct horse battery';

/**
 * Made on this machine with the tools whose output an import carries, and kept here so the test
 * needs none of them: `slappasswd -h '{SSHA}' -s …` (OpenLDAP 2.5), `-o module-load=pw-sha2 -h
 * '{SSHA512}'`, `-o module-load=argon2 -h '{ARGON2}'`, `-h '{CRYPT}' -c '$2b$04$%.22s'` (libxcrypt),
 * `openssl passwd -6 -salt Zq9xLr2T …`, and @node-rs/argon2 for argon2id. All of `PASSWORD`.
 */
const MADE_BY_TOOLS = {
  ssha: '{SSHA}qIYR4LJk9U16Iw1wHZeMrlrwA0ZTugNT',
  ssha2: '{SSHA}Tq4I+CTuRs2M9tN0zB1C2iO3kGqzWd1q',
  ssha512: '{SSHA512}OnG1PyT0qZF1tmt2x8j0pAtc48UMpz/s8SIgxybcxFUdWDmqXi9NuCQ062podVDLBvOHCjkCslJFJVk2qQA8CGmAW3AWcLS7',
  opensslSha512: '{CRYPT}$6$Zq9xLr2T$1UZ8uMlPie8AHmaDE/2QZtEm1W1Ura4ZS1hYCJEP8.FkxkZSem3x5fSKVlSEJr2I5EVwyB6iLRJ1jNDUiW9fe.',
  slapdSha512Rounds: '{CRYPT}$6$rounds=1200$x6iRcQuT2ohs8MMy$xP1u46VheWfolMBjpdN.qoJJqshAZ8H6AYodcw2rlh0ffEiyJZXz9uYLMJXHa9WNDoKIPsH4b4ONOtIjOSKsm0',
  bcrypt2b: '{CRYPT}$2b$04$FhCH1tgDYNBeiN9Yd0Cd2eTz/xwhau0AZSEDv4ptVRrqsCYnKlo6a',
  bcrypt2a: '{CRYPT}$2a$05$wzopfsNMPBGsMf6G0ayd7.GjM0cjMcxhbCH1GjCYZsDbXm4ny0ZRi',
  bcrypt2y: '{CRYPT}$2y$04$nEGoe3XhH6wPZ7Lsrn/mVeQaEOPTnBFkEwKppXsObZpNfIsDcXy1q',
  argon2i: '{ARGON2}$argon2i$v=19$m=4096,t=3,p=1$Xc7ZNepWBF6FZ5jSYYq76Q$4/zEbZ4ktxcg5IIN8gGEfvYTFB1ZbbFrfE7Z3Khju1E',
  argon2id: '{ARGON2}$argon2id$v=19$m=4096,t=2,p=1$XyC/YHLTkdSdnzMXNGgM1g$XuhnRmzYD2/TvHA23kL+0RuafLN87WR2MuwYc1npPJk',
};

describe('ACC-2, DIR-5: imported password hashes', () => {
  it('DIR-5, ACC-2: SHA-512 crypt gives every test vector of Drepper’s specification, rounds clamped and salts cut as it says', async () => {
    const vectors: Array<[string, string, string]> = [
      ['$6$saltstring', 'Hello world!', '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1'],
      ['$6$rounds=10000$saltstringsaltstring', 'Hello world!', '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.'],
      ['$6$rounds=5000$toolongsaltstring', 'This is just a test', '$6$rounds=5000$toolongsaltstrin$lQ8jolhgVRVhY4b5pZKaysCLi0QBxGoNeKQzQ3glMhwllF7oGDZxUhx1yxdYcz/e1JSbq3y6JMxxl8audkUEm0'],
      [
        '$6$rounds=1400$anotherlongsaltstring',
        'a very much longer text to encrypt.  This one even stretches over morethan one line.',
        '$6$rounds=1400$anotherlongsalts$POfYwTEok97VWcjxIiSOjiykti.o/pQs.wPvMxQ6Fm7I6IoYN3CmLs66x9t0oSwbtEW7o7UmJEiDwGqd8p4ur1',
      ],
      ['$6$rounds=77777$short', 'we have a short salt string but not a short password', '$6$rounds=77777$short$WuQyW2YR.hBNpjjRhpYD/ifIw05xdfeEyQoMxIXbkvr0gge1a1x3yRULJ5CCaUeOxFmtlcGZelFl5CxtgfiAc0'],
      ['$6$rounds=123456$asaltof16chars..', 'a short string', '$6$rounds=123456$asaltof16chars..$BtCwjqMJGx5hrJhZywWvt0RLE8uZ4oPwcelCjmw2kSYu.Ec6ycULevoBK25fs2xXgMNrCzIMVcgEJAstJeonj1'],
      ['$6$rounds=10$roundstoolow', 'the minimum number is still observed', '$6$rounds=1000$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX.'],
    ];
    for (const [setting, password, expected] of vectors) expect(await sha512Crypt(password, setting)).toBe(expected);
    // A stored value verifies whether it names the clamped rounds or the ones asked for.
    const low = parseLegacyHash('{CRYPT}$6$rounds=10$roundstoolow$kUMsbe306n21p9R.FRkW3IGn.S9NPN0x50YhH1xhLsPuWGsUSklZt58jaTfF4ZEQpyUNGc0dqbpBYYBaHHrsX.');
    expect(low).toMatchObject({ scheme: 'sha512-crypt', rounds: 1000 });
    expect(await verifyLegacyHash(low!, 'the minimum number is still observed')).toBe(true);
  });

  it('DIR-5, ACC-2: the hashes slappasswd, openssl and argon2 made verify with their password and with no other', async () => {
    const schemes: Record<keyof typeof MADE_BY_TOOLS, string> = {
      ssha: 'ssha',
      ssha2: 'ssha',
      ssha512: 'ssha512',
      opensslSha512: 'sha512-crypt',
      slapdSha512Rounds: 'sha512-crypt',
      bcrypt2b: 'bcrypt',
      bcrypt2a: 'bcrypt',
      bcrypt2y: 'bcrypt',
      argon2i: 'argon2',
      argon2id: 'argon2',
    };
    for (const [name, value] of Object.entries(MADE_BY_TOOLS)) {
      const hash = parseLegacyHash(value);
      expect(hash?.scheme, name).toBe(schemes[name as keyof typeof MADE_BY_TOOLS]);
      expect(hash?.value, name).toBe(value);
      expect(await verifyLegacyHash(hash!, PASSWORD), name).toBe(true);
      for (const wrong of ['correct horse batterY', '', `${PASSWORD} `, 'correct horse']) expect(await verifyLegacyHash(hash!, wrong), `${name}: ${wrong}`).toBe(false);
    }
  });

  it('DIR-5, ACC-2: {SSHA} is base64(SHA-1(password + salt) + salt), and the scheme name is read in any case', async () => {
    const { createHash } = await import('node:crypto');
    const salt = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]);
    const made = Buffer.concat([createHash('sha1').update('Ünïcødé pässwörd', 'utf8').update(salt).digest(), salt]).toString('base64');
    const hash = parseLegacyHash(`  {ssha}${made}\n`);
    expect(hash).toMatchObject({ scheme: 'ssha', value: `{SSHA}${made}` });
    expect(await verifyLegacyHash(hash!, 'Ünïcødé pässwörd')).toBe(true);
    expect(await verifyLegacyHash(hash!, 'Unicode passwörd')).toBe(false);
  });

  it('DIR-5, ACC-2: other schemes, plain text and malformed or too costly values are not kept', () => {
    const refused = [
      'correct horse battery', // plain text
      '{CLEARTEXT}correct horse battery',
      '{MD5}iOTd0kAtktUOGHnW7Nn/1A==',
      '{SMD5}iOTd0kAtktUOGHnW7Nn/1A==',
      '{SHA}mN7MYuzjmaIu0w1JDvMzvn/ec4U=', // unsalted SHA-1
      '{SSHA}mN7MYuzjmaIu0w1JDvMzvn/ec4U=', // no salt after the digest
      '{SSHA}not base64!',
      '{SSHA512}qIYR4LJk9U16Iw1wHZeMrlrwA0ZTugNT', // too short for SHA-512
      '{CRYPT}abhfCpXqd4GrI', // DES
      '{CRYPT}$1$abcdefgh$E2IUOVGWn4QIROUcRm1wO/', // MD5 crypt
      '{CRYPT}$5$abcdefgh$sYjQ4vynYsNAnM.JMipLH1IMXSipuA8cURgfc3GsHo.', // SHA-256 crypt
      '{CRYPT}$6$salt$tooShort',
      `{CRYPT}$6$rounds=${MAX_CRYPT_ROUNDS + 1}$salt$${'a'.repeat(86)}`,
      `{CRYPT}$2b$${MAX_BCRYPT_COST + 1}$FhCH1tgDYNBeiN9Yd0Cd2eTz/xwhau0AZSEDv4ptVRrqsCYnKlo6a`,
      '{CRYPT}$2x$04$FhCH1tgDYNBeiN9Yd0Cd2eTz/xwhau0AZSEDv4ptVRrqsCYnKlo6a',
      '{ARGON2}$argon2d$v=19$m=4096,t=3,p=1$Xc7ZNepWBF6FZ5jSYYq76Q$4/zEbZ4ktxcg5IIN8gGEfvYTFB1ZbbFrfE7Z3Khju1E',
      '{ARGON2}$argon2id$v=19$m=4194304,t=3,p=1$Xc7ZNepWBF6FZ5jSYYq76Q$4/zEbZ4ktxcg5IIN8gGEfvYTFB1ZbbFrfE7Z3Khju1E', // 4 GiB
      '$argon2id$v=19$m=4096,t=2,p=1$XyC/YHLTkdSdnzMXNGgM1g$XuhnRmzYD2/TvHA23kL+0RuafLN87WR2MuwYc1npPJk', // no scheme
      '{SSHA}',
      '',
    ];
    for (const value of refused) expect(parseLegacyHash(value), value).toBeNull();
  });

  it('DIR-5, ACC-2: a hash whose parts were altered never verifies, and never throws', async () => {
    const argon = parseLegacyHash(MADE_BY_TOOLS.argon2id)!;
    expect(await verifyLegacyHash({ ...argon, value: '{ARGON2}$argon2id$garbage' }, PASSWORD)).toBe(false);
    const bc = parseLegacyHash(MADE_BY_TOOLS.bcrypt2b)!;
    expect(await verifyLegacyHash({ ...bc, value: '{CRYPT}$2b$04$short' }, PASSWORD)).toBe(false);
    const sha = parseLegacyHash(MADE_BY_TOOLS.opensslSha512);
    if (sha?.scheme !== 'sha512-crypt') throw new Error('not read as SHA-512 crypt');
    expect(await verifyLegacyHash({ ...sha, hash: `${sha.hash.slice(0, -1)}x` }, PASSWORD)).toBe(false);
    // A password longer than any Castellan takes is not hashed at all (SHA-512 crypt costs its length squared).
    const huge = `${PASSWORD}${' '.repeat(MAX_LEGACY_PASSWORD_BYTES)}`;
    expect(await verifyLegacyHash(sha, huge)).toBe(false);
    expect(await verifyLegacyHash(parseLegacyHash(MADE_BY_TOOLS.ssha)!, huge)).toBe(false);
  });
});
