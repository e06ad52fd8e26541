/**
 * An API read benchmark, once its data directory is seeded: `castellan serve`
 * on that directory, a sample of answers checked outside the measure, a bare
 * Fastify route answering the typical answer's body, and paired rounds of wrk
 * against each, replaying the same requests. Each server in its own process,
 * wrk in a third.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type Rounds, pairedRounds } from './load.ts';
import { type Placement, type Server, startBare, startCastellan } from './processes.ts';
import { profiled } from './profile.ts';
import { type HttpRequest, wrk, writeRequests } from './wrk.ts';

export interface PairOptions {
  concurrency: number;
  seconds: number;
  rounds: number;
  warmup: number;
  cpus: Placement;
  cpuProf: boolean;
}

export interface Answer {
  status: number;
  text: string;
}

export interface PairResult {
  result: Rounds;
  url: string;
  sample: Answer[];
  /** The size of the bare route's body: the median size of the sampled answers. */
  bodyBytes: number;
  /** The CPU profile's summary with --cpu-prof, else ''. */
  profile: string;
}

export async function againstBareRoute(
  dataDir: string,
  requests: HttpRequest[],
  opts: PairOptions,
  labels: { subject: string; sampleSize: number; check: (sample: Answer[]) => void },
): Promise<PairResult> {
  const requestsFile = writeRequests(path.join(dataDir, 'requests.tsv'), requests);
  const prof = profiled(opts.cpuProf, dataDir);
  const servers: Server[] = [];
  try {
    const castellan = await startCastellan({ dataDir, cpus: opts.cpus.server, nodeArgs: prof.nodeArgs });
    servers.push(castellan);
    const sample = await Promise.all(
      requests.slice(0, labels.sampleSize).map(async (r): Promise<Answer> => {
        const res = await fetch(`${castellan.url}${r.path}`, { method: r.method ?? 'GET', headers: r.headers, body: r.body ?? null });
        return { status: res.status, text: await res.text() };
      }),
    );
    labels.check(sample);
    const typical = sample.map((s) => s.text).sort((a, b) => a.length - b.length)[sample.length >> 1] ?? '';
    const bodyFile = path.join(dataDir, 'bare-body.json');
    await writeFile(bodyFile, typical);
    const bare = await startBare({ bodyFile, cpus: opts.cpus.server });
    servers.push(bare);

    const load = (s: Server, seconds: number) => () =>
      wrk({ url: s.url, requestsFile, connections: opts.concurrency, seconds, cpus: opts.cpus.client, serverPid: s.pid });
    const result = await pairedRounds(
      opts.rounds,
      async () => {
        await load(bare, opts.warmup)();
        await load(castellan, opts.warmup)();
      },
      ['bare', load(bare, opts.seconds)],
      [labels.subject, load(castellan, opts.seconds)],
    );
    // The profile is written when the server exits.
    await castellan.stop();
    return { result, url: castellan.url, sample, bodyBytes: Buffer.byteLength(typical), profile: prof.summary(result.subjectWindows, { ops: result.subjectOps, mainCpuMs: result.subjectMainCpuMs }) };
  } finally {
    for (const s of servers) await s.stop();
  }
}
