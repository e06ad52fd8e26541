import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_EDITS, diffLines, splitLines } from './policies.diff.ts';
import type { DiffLine } from './policies.views.ts';

/** The length of a longest common subsequence, by the textbook table: the reference the diff must reach. */
function lcsLength(a: string[], b: string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    const row = [0];
    for (let j = 0; j < b.length; j++) row.push(x === b[j] ? (prev[j] as number) + 1 : Math.max(prev[j + 1] as number, row[j] as number));
    prev = row;
  }
  return prev[b.length] as number;
}

const side = (lines: DiffLine[], op: 'delete' | 'insert') => lines.filter((l) => l.op !== op).map((l) => l.text);
const numbers = (lines: DiffLine[], key: 'fromLine' | 'toLine') => lines.map((l) => l[key]).filter((n) => n !== null);
const text = (lines: string[]) => lines.map((l) => `${l}\n`).join('');

describe('policy diff', () => {
  it('PRV-8: a changed paragraph shows as deleted and inserted lines, the rest as unchanged, with line numbers on each side', () => {
    const from = '# Privacy policy\n\nWe keep your email.\nWe never sell data.\n';
    const to = '# Privacy policy\n\nWe keep your email and name.\nWe never sell data.\nWe share nothing.\n';
    expect(diffLines(from, to)).toEqual([
      { op: 'equal', text: '# Privacy policy', fromLine: 1, toLine: 1 },
      { op: 'equal', text: '', fromLine: 2, toLine: 2 },
      { op: 'delete', text: 'We keep your email.', fromLine: 3, toLine: null },
      { op: 'insert', text: 'We keep your email and name.', fromLine: null, toLine: 3 },
      { op: 'equal', text: 'We never sell data.', fromLine: 4, toLine: 4 },
      { op: 'insert', text: 'We share nothing.', fromLine: null, toLine: 5 },
    ]);
  });

  it('PRV-8: identical texts are all unchanged; an empty side is all inserted or all deleted; CRLF equals LF', () => {
    expect(diffLines('a\nb', 'a\nb\n').every((l) => l.op === 'equal')).toBe(true);
    expect(diffLines('', 'a\nb').map((l) => l.op)).toEqual(['insert', 'insert']);
    expect(diffLines('a\nb', '').map((l) => l.op)).toEqual(['delete', 'delete']);
    expect(diffLines('', '')).toEqual([]);
    expect(diffLines('a\r\nb\r\n', 'a\nb\n').every((l) => l.op === 'equal')).toBe(true);
  });

  it('PRV-8: the diff rebuilds both versions and keeps a longest common subsequence of lines unchanged', () => {
    // A small alphabet makes repeated lines, where a naive diff goes wrong.
    const lines = fc.array(fc.constantFrom('a', 'b', 'c', '', '# d'), { maxLength: 30 });
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const d = diffLines(text(a), text(b));
        expect(side(d, 'insert')).toEqual(a);
        expect(side(d, 'delete')).toEqual(b);
        expect(d.filter((l) => l.op === 'equal').length).toBe(lcsLength(a, b));
        expect(numbers(d, 'fromLine')).toEqual(a.map((_, i) => i + 1));
        expect(numbers(d, 'toLine')).toEqual(b.map((_, i) => i + 1));
      }),
      { numRuns: 500 },
    );
  });

  it('PRV-8: past the edit limit the texts are shown as wholly replaced, still correctly', () => {
    const a = Array.from({ length: MAX_EDITS }, (_, i) => `old ${i}`);
    const b = Array.from({ length: MAX_EDITS }, (_, i) => `new ${i}`);
    const d = diffLines([...a, 'same'].join('\n'), [...b, 'same'].join('\n'));
    expect(side(d, 'insert')).toEqual([...a, 'same']);
    expect(side(d, 'delete')).toEqual([...b, 'same']);
    expect(d.at(-1)).toEqual({ op: 'equal', text: 'same', fromLine: MAX_EDITS + 1, toLine: MAX_EDITS + 1 });
    expect(splitLines('x\ny\n')).toEqual(['x', 'y']);
  });
});
