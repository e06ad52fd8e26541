import type { DiffLine } from './policies.views.ts';

/**
 * A line diff (PRV-8: what changed between two policy versions), by Myers'
 * O((N+M)·D) algorithm ("An O(ND) Difference Algorithm and Its Variations",
 * 1986): a shortest edit script, so the unchanged lines are a longest common
 * subsequence. Policies change a few paragraphs at a time, so D is small; past
 * MAX_EDITS the two texts are shown as wholly replaced instead of searching on.
 */
export const MAX_EDITS = 2000;

export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export function diffLines(fromText: string, toText: string): DiffLine[] {
  const a = splitLines(fromText);
  const b = splitLines(toText);
  // Common head and tail need no search.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const out: DiffLine[] = [];
  for (let i = 0; i < head; i++) out.push({ op: 'equal', text: a[i] as string, fromLine: i + 1, toLine: i + 1 });
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const script = shortestEdit(midA, midB) ?? replaceAll(midA.length, midB.length);
  for (const [op, i, j] of script) {
    if (op === 'equal') out.push({ op, text: midA[i] as string, fromLine: head + i + 1, toLine: head + j + 1 });
    else if (op === 'delete') out.push({ op, text: midA[i] as string, fromLine: head + i + 1, toLine: null });
    else out.push({ op, text: midB[j] as string, fromLine: null, toLine: head + j + 1 });
  }
  for (let k = 0; k < tail; k++) {
    const i = a.length - tail + k;
    const j = b.length - tail + k;
    out.push({ op: 'equal', text: a[i] as string, fromLine: i + 1, toLine: j + 1 });
  }
  return out;
}

/** One step of an edit script: the operation and the 0-based positions in a and b. */
type Step = ['equal' | 'delete' | 'insert', number, number];

function replaceAll(n: number, m: number): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < n; i++) steps.push(['delete', i, 0]);
  for (let j = 0; j < m; j++) steps.push(['insert', n, j]);
  return steps;
}

/** The furthest x on each diagonal k in -(d+1)..d+1 before step d: at (k + d + 1). */
type Snapshot = Int32Array;

/**
 * The forward greedy search: v[k] holds the furthest x reached on diagonal
 * k = x - y with d edits; the part of v that step d read is kept to walk the
 * path back (O(D²) memory in all). Undefined when more than MAX_EDITS edits
 * would be needed.
 */
function shortestEdit(a: string[], b: string[]): Step[] | undefined {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDITS);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Snapshot[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number));
      let x = down ? (v[offset + k + 1] as number) : (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, n, m, d);
    }
  }
  return undefined;
}

function backtrack(trace: Snapshot[], n: number, m: number, dEnd: number): Step[] {
  const steps: Step[] = [];
  let x = n;
  let y = m;
  for (let d = dEnd; d > 0; d--) {
    // trace[d] is v as it was before step d: the furthest points after d - 1 edits.
    const v = trace[d] as Snapshot;
    const offset = d + 1;
    const k = x - y;
    const down = k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number));
    const prevK = down ? k + 1 : k - 1;
    const prevX = v[offset + prevK] as number;
    const prevY = prevX - prevK;
    while (x > (down ? prevX : prevX + 1) && y > (down ? prevY + 1 : prevY)) {
      x--;
      y--;
      steps.push(['equal', x, y]);
    }
    if (down) {
      y--;
      steps.push(['insert', x, y]);
    } else {
      x--;
      steps.push(['delete', x, y]);
    }
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    steps.push(['equal', x, y]);
  }
  return steps.reverse();
}
