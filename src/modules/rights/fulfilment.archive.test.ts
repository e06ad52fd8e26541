import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32, parseCsv, toCsv, unzip, zip } from './archive.ts';
import { buildCertificate, digestOf } from './certificate.ts';

describe('the access archive (DSR-1)', () => {
  it('DSR-1: CRC-32 is the standard one (the check value of "123456789")', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('DSR-1: a ZIP of stored and deflated entries reads back byte for byte, and a damaged entry is refused', () => {
    const big = 'name,email\r\n'.repeat(500);
    const random = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 97 + 13) % 256));
    const archive = zip([{ name: 'data.json', content: big }, { name: 'csv/privacy/naïve.csv', content: random }, { name: 'empty.csv', content: '' }], new Date('2026-11-16T17:00:00Z'));
    const files = unzip(archive);
    expect(files.get('data.json')?.toString('utf8')).toBe(big);
    expect(files.get('csv/privacy/naïve.csv')).toEqual(random);
    expect(files.get('empty.csv')?.length).toBe(0);
    if (existsSync('/usr/bin/unzip')) {
      const dir = mkdtempSync(path.join(tmpdir(), 'castellan-zip-'));
      writeFileSync(path.join(dir, 'a.zip'), archive);
      expect(execFileSync('/usr/bin/unzip', ['-t', path.join(dir, 'a.zip')]).toString()).toContain('No errors detected');
      rmSync(dir, { recursive: true, force: true });
    }
    const damaged = Buffer.from(archive);
    damaged[40] = (damaged[40] as number) ^ 0xff;
    expect(() => unzip(damaged)).toThrow();
  });

  it('DSR-1: CSV is RFC 4180 (quotes, commas and line breaks quoted) and a formula is never a formula', () => {
    const rows = [
      { a: '=1+1', b: '+33 1 23', c: '-5', d: '@SUM(A1)', e: 'plain' },
      { a: 'say "hi", then\r\nleave', b: 42, c: -5, d: null, e: { nested: true } },
    ];
    const text = toCsv(rows);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parseCsv(text)).toEqual([
      ['a', 'b', 'c', 'd', 'e'],
      ["'=1+1", "'+33 1 23", "'-5", "'@SUM(A1)", 'plain'],
      ['say "hi", then\r\nleave', '42', '-5', '', '{"nested":true}'],
    ]);
    expect(toCsv([])).toBe('');
  });

  it('DSR-5: the certificate digest covers every field, in any key order', () => {
    const c = buildCertificate(
      { site: 'Castellan', requestId: 'dsr_1', regime: 'gdpr', receivedAt: '2026-11-16T17:00:00.000Z', verifiedAt: null, erasedAt: '2026-11-16T18:00:00.000Z', passedOnTo: [], organizationsNotified: 0 },
      { accounts: { accounts: { deleted: 1, deidentified: 0, kept: 0, exception: null, keptAs: null } } },
    );
    expect(c.digest).toBe(digestOf(c));
    expect(digestOf({ ...c, tables: [{ ...c.tables[0]!, deleted: 2 }] })).not.toBe(c.digest);
    const reordered = Object.fromEntries(Object.entries(c).reverse()) as typeof c;
    expect(digestOf(reordered)).toBe(c.digest);
  });
});
