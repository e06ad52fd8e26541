/**
 * PRO-1: the LDAP listeners' certificate. The operator's PEM files when given
 * (CASTELLAN_LDAP_TLS_CERT and _KEY); otherwise, on first start, a small certificate authority of
 * this installation and a server certificate it signs, written into the data directory (the keys
 * readable by their owner only, SEC-2). Clients trust `ldap-ca.pem`, whose path `serve` prints.
 * Generated with WebCrypto (ECDSA P-256) through @peculiar/x509: no openssl at run time.
 */
import { X509Certificate, webcrypto } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';
import { privateDir } from '../../core/files.ts';

export interface LdapTls {
  cert: string;
  key: string;
  /** The CA certificate's path when Castellan made the pair; undefined for the operator's own files. */
  caPath: string | undefined;
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 24 * 3600 * 1000;

export async function ldapTls(opts: { dataDir: string; cert?: string | undefined; key?: string | undefined; hostnames: string[] }): Promise<LdapTls> {
  if (opts.cert && opts.key) return { cert: readFileSync(opts.cert, 'utf8'), key: readFileSync(opts.key, 'utf8'), caPath: undefined };
  const files = {
    ca: path.join(opts.dataDir, 'ldap-ca.pem'),
    cert: path.join(opts.dataDir, 'ldap.pem'),
    key: path.join(opts.dataDir, 'ldap.key'),
  };
  if (!existsSync(files.cert) || !existsSync(files.key) || !existsSync(files.ca)) await generate(files, opts.hostnames);
  return { cert: readFileSync(files.cert, 'utf8'), key: readFileSync(files.key, 'utf8'), caPath: files.ca };
}

/**
 * PRO-1: the CA certificate clients trust, as PEM: the generated `ldap-ca.pem` of the data
 * directory, or, with the operator's files, the last certificate of their chain when it can anchor
 * trust (a CA, or self-signed). Undefined when there is none (not generated yet, or a chain that
 * holds only a certificate some other CA issued). Only certificates are ever read out of a file:
 * never a key, whatever else the file holds.
 */
export function ldapCaCertificate(opts: { dataDir: string; cert?: string | undefined }): string | undefined {
  if (opts.cert) {
    const last = certificatesIn(readIfThere(opts.cert)).at(-1);
    return last && (last.ca || last.checkIssued(last)) ? last.toString() : undefined;
  }
  return certificatesIn(readIfThere(path.join(opts.dataDir, 'ldap-ca.pem')))[0]?.toString();
}

function readIfThere(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The certificates of a PEM text (RFC 7468), in order; blocks that do not parse are left out. */
function certificatesIn(text: string): X509Certificate[] {
  const found: X509Certificate[] = [];
  for (const block of text.match(/-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----/g) ?? []) {
    try {
      found.push(new X509Certificate(block));
    } catch {
      // Not a certificate after all: it is not offered.
    }
  }
  return found;
}

async function generate(files: { ca: string; cert: string; key: string }, hostnames: string[]): Promise<void> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const subtle = webcrypto.subtle;
  const now = Date.now();
  const notBefore = new Date(now - DAY);
  const caKeys = (await subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=Castellan LDAP CA ${hostname()}`,
    notBefore,
    notAfter: new Date(now + 10 * 365 * DAY),
    signingAlgorithm: ALG,
    keys: caKeys,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  const keys = (await subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const names = [...new Set(['localhost', '127.0.0.1', '::1', hostname(), ...hostnames].filter(Boolean))];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${names.find((n) => isIP(n) === 0 && n !== 'localhost') ?? 'localhost'}`,
    issuer: ca.subject,
    notBefore,
    // 825 days: the longest validity clients accept for a server certificate.
    notAfter: new Date(now + 825 * DAY),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names.map((n) => (isIP(n) ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n }))),
    ],
  });
  const pem = async (key: webcrypto.CryptoKey) => x509.PemConverter.encode(await subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
  privateDir(path.dirname(files.cert));
  // The CA's key is not kept: nothing else is ever signed with it. The certificate is written last, so a
  // start interrupted half-way makes a new pair next time.
  write(files.key, await pem(keys.privateKey));
  write(files.ca, ca.toString('pem'));
  write(files.cert, `${cert.toString('pem')}\n${ca.toString('pem')}`);
}

function write(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${text.trim()}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

function serial(): string {
  const b = webcrypto.getRandomValues(new Uint8Array(16));
  b[0] = (b[0] as number) & 0x7f;
  return Buffer.from(b).toString('hex');
}
