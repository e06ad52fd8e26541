import { describe, expect, it } from 'vitest';
import { cleanFilename } from './tickets.core.ts';

describe('attachment file names', () => {
  it('SUP-1: a name cannot disguise its type with bidirectional controls, paths or control characters', () => {
    expect(cleanFilename('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    for (const c of ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F']) {
      expect(cleanFilename(`a${c}b.txt`)).toBe('ab.txt');
    }
    expect(cleanFilename('../../etc/passwd')).toBe('passwd');
    expect(cleanFilename('C:\\Users\\x\\report.pdf')).toBe('report.pdf');
    expect(cleanFilename('tab\there.txt')).toBe('tab_here.txt');
    expect(cleanFilename('\u202E')).toBe('attachment');
    expect(cleanFilename('résumé.pdf')).toBe('résumé.pdf');
  });
});
