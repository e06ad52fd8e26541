/**
 * Where the server's time goes: with `--cpu-prof`, a benchmark starts
 * `castellan serve` under `node --cpu-prof`, and once the server has stopped
 * this summarises the profile over the subject's measured phases only (V8's
 * profile clock is the monotonic clock of process.hrtime, so the phases'
 * windows select their samples; start-up, seeding and the baseline phases
 * are left out).
 *
 * The summary: self time by area (our files under src/, each package, Node's
 * internals, V8 and native code, GC), the top self-time frames, and the
 * inclusive time of our own functions (a frame counted once per sample,
 * wherever it is on the stack), which is where hooks, session lookup and
 * the access decision show.
 *
 * Also a command: node --import tsx bench/profile.ts FILE.cpuprofile [FROM_US TO_US]
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT_URL = pathToFileURL(path.resolve(import.meta.dirname, '..')).href;

interface Frame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: Frame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The area a frame's self time is charged to. */
function area(f: Frame): string {
  if (f.url.startsWith(`${ROOT_URL}/src/`)) return `ours: ${f.url.slice(ROOT_URL.length + 1)}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f.url);
  if (pkg) return `package: ${pkg[1]}`;
  if (f.url.startsWith('node:')) return 'node internals';
  if (f.functionName === '(garbage collector)') return 'GC';
  if (f.functionName === '(program)') return 'V8/native (program)';
  if (f.url === '') return `native: ${f.functionName || '(anonymous)'}`;
  return f.url;
}

/**
 * A frame's name, file and line. tsx compiles each file onto one line, so in
 * our files an anonymous function is told apart by the function that called it.
 */
function where(f: Frame, caller?: Frame): string {
  const file = f.url.replace(`${ROOT_URL}/`, '').replace(/^.*node_modules\//, '');
  const name = f.functionName || (caller?.functionName ? `(anonymous, called by ${caller.functionName})` : '(anonymous)');
  return f.url.startsWith(`${ROOT_URL}/src/`) ? `${name} ${file}` : `${name} ${file}:${f.lineNumber + 1}`;
}

/**
 * Milliseconds per key, sorted, as lines with their share of `total` and, given
 * `usPerShare` (microseconds per operation for 100%), their cost per operation.
 */
function top(map: Map<string, number>, total: number, n: number, usPerShare: number | undefined): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, us]) => {
      const perOp = usPerShare ? `${((us / total) * usPerShare).toFixed(1).padStart(7)} µs/op` : '';
      return `  ${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%${perOp}  ${k}`;
    });
}

/**
 * The summary of a profile over `windows` (all of it when none). A sample
 * stands for the wall time until the next one, so when the thread waited for a
 * core the milliseconds overstate its CPU; the shares hold. Given the
 * operations served and the main thread's CPU per operation measured from
 * /proc, each line also gets its share of that CPU, in microseconds per operation.
 */
export function summarize(profile: CpuProfile, windows: Array<[number, number]> = [], perOp?: { ops: number; mainCpuMs?: number | undefined }): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let t = profile.startTime;
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    // A sample stands for the time until the next one.
    const us = profile.timeDeltas[i + 1] ?? 0;
    if (windows.length > 0 && !windows.some(([a, b]) => t >= a && t <= b)) return;
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    if (frame.functionName === '(idle)') {
      idle += us;
      return;
    }
    total += us;
    const callerId = parent.get(id);
    const key = where(frame, callerId === undefined ? undefined : byId.get(callerId)?.callFrame);
    self.set(key, (self.get(key) ?? 0) + us);
    areas.set(area(frame), (areas.get(area(frame)) ?? 0) + us);
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const f = byId.get(n)?.callFrame;
      const up = parent.get(n);
      if (f?.url.startsWith(`${ROOT_URL}/src/`)) seen.add(where(f, up === undefined ? undefined : byId.get(up)?.callFrame));
    }
    for (const k of seen) inclusive.set(k, (inclusive.get(k) ?? 0) + us);
  });
  const busy = total / (total + idle || 1);
  const usPerShare = perOp?.mainCpuMs ? perOp.mainCpuMs * 1000 : undefined;
  return [
    `profile: ${(total / 1000).toFixed(0)} ms busy, ${(idle / 1000).toFixed(0)} ms idle (${(100 * busy).toFixed(0)}% busy) over ${windows.length || 'all'} window(s)` +
      (perOp ? `; ${perOp.ops} operations` : '') +
      (perOp?.mainCpuMs ? `, ${(perOp.mainCpuMs * 1000).toFixed(1)} µs of main-thread CPU each (from /proc), shared out below` : ''),
    'self time by area:',
    ...top(areas, total, 25, usPerShare),
    'top self-time frames:',
    ...top(self, total, 30, usPerShare),
    'our functions, inclusive (on the stack):',
    ...top(inclusive, total, 30, usPerShare),
    '',
  ].join('\n');
}

/** For a benchmark: the node flags that profile the server, and the report once it has stopped. */
export function profiled(enabled: boolean, dataDir: string) {
  // Named after the data directory, which is removed at the end; the profile stays.
  const dir = path.join(os.tmpdir(), `castellan-cpu-prof-${path.basename(dataDir).replace(/^castellan-bench-/, '')}`);
  if (enabled) mkdirSync(dir, { recursive: true });
  return {
    nodeArgs: enabled ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [],
    /** The summary, once the server has stopped and written its profile; '' when not profiling. */
    summary(windows: Array<[number, number]>, perOp?: { ops: number; mainCpuMs?: number | undefined }): string {
      if (!enabled) return '';
      const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
      if (files.length === 0) throw new Error(`no CPU profile was written into ${dir}`);
      // One file per thread; the loader's worker thread idles throughout and is left out.
      return files
        .map((f) => ({ f, text: summarize(JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as CpuProfile, windows, perOp) }))
        .filter(({ text }) => !text.startsWith('profile: 0 ms busy'))
        .map(({ f, text }) => `profile of the server under test: ${path.join(dir, f)}\n${text}`)
        .join('');
    },
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [file, from, to] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node --import tsx bench/profile.ts FILE.cpuprofile [FROM_US TO_US]\n');
    process.exit(2);
  }
  const windows: Array<[number, number]> = from && to ? [[Number(from), Number(to)]] : [];
  process.stdout.write(summarize(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, windows));
}
