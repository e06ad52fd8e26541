import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.ts';
import type { FieldCipher } from '../../core/crypto.ts';
import type { Database } from '../../db/schema.ts';
import * as repo from './saml.repository.ts';

/**
 * PRO-5: the identity provider's signing key, an RSA 2048 key with a self-signed certificate,
 * made once per installation on first use (whichever node comes first; the others read its row).
 * The private key is sealed with the field-encryption key (SEC-2); the certificate is public.
 */

const KEY_ID = 'current';
const ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const;
const DAY = 86_400_000;
const context = (id: string) => `saml_idp_keys.private_key_enc:${id}`;

export interface SamlIdpKey {
  /** PKCS #8 PEM: only for signing, never shown. */
  privateKeyPem: string;
  certificatePem: string;
}

async function generate(now: Date, name: string): Promise<SamlIdpKey> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const serial = Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)));
  serial[0] = (serial[0] as number) & 0x7f;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: `CN=${name.replace(/[,+="\\<>;#]/g, ' ').slice(0, 60) || 'Castellan'} SAML IdP`,
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + 20 * 365 * DAY),
    signingAlgorithm: ALG,
    keys,
    extensions: [new x509.BasicConstraintsExtension(false, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  });
  const privateKeyPem = x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
  return { privateKeyPem, certificatePem: cert.toString('pem') };
}

export function createSamlIdpKey(deps: { db: Kysely<Database>; clock: Clock; cipher: FieldCipher; siteName: string }) {
  const { db, clock, cipher } = deps;
  let cached: Promise<SamlIdpKey> | undefined;

  async function load(): Promise<SamlIdpKey> {
    let row = await repo.findIdpKey(db, KEY_ID);
    if (!row) {
      const made = await generate(clock.now(), deps.siteName);
      await repo.insertIdpKey(db, { id: KEY_ID, private_key_enc: cipher.encrypt(made.privateKeyPem, context(KEY_ID)), certificate: made.certificatePem, created_at: clock.now().toISOString() });
      row = await repo.findIdpKey(db, KEY_ID);
      if (!row) throw new Error('the SAML signing key was not saved');
    }
    return { privateKeyPem: cipher.decrypt(row.private_key_enc, context(row.id)), certificatePem: row.certificate };
  }

  /** The key and certificate; read once per process (the key never changes while it runs). */
  function current(): Promise<SamlIdpKey> {
    cached ??= load().catch((e: unknown) => {
      cached = undefined;
      throw e;
    });
    return cached;
  }

  return { current };
}

export type SamlIdpKeys = ReturnType<typeof createSamlIdpKey>;
