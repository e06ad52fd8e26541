import { describe, expect, it } from 'vitest';
import { csvCell, csvValue } from './csv.ts';

describe('CSV cells', () => {
  it('DIR-5: cells a spreadsheet would run as formulas are written as text, and read back unchanged', () => {
    for (const v of ['=1+1', '+49 30 1234', '-2', '@SUM(A1)', '\tcmd', '\rx', "'=quoted"]) {
      const cell = csvCell(v);
      expect(cell.replace(/^"/, '')).toMatch(/^'/);
      const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
      expect(csvValue(unquoted)).toBe(v);
    }
    expect(csvCell('Ada Lovelace')).toBe('Ada Lovelace');
    expect(csvCell('Two, Bea')).toBe('"Two, Bea"');
    expect(csvValue("O'Brien")).toBe("O'Brien");
  });
});
