/**
 * What Linux says about a process under load, from /proc: its CPU time, its
 * main thread's, and how long it waited for a core. Undefined elsewhere.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * CPU seconds (user + system) a process has used so far, from /proc (Linux);
 * with `mainThread`, those of its main thread alone (where JavaScript runs;
 * argon2 and other native work run on other threads). Undefined elsewhere.
 */
export function cpuSeconds(pid: number, mainThread = false): number | undefined {
  try {
    const stat = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
    // The fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat(5))
    return ticks / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** How many cores a taskset list names ("0", "0-1", "0,2-3"); all of them when undefined. */
export function cpuCount(cpus: string | undefined): number {
  if (cpus === undefined) return os.availableParallelism();
  return cpus.split(',').reduce((n, part) => {
    const [a, b] = part.split('-').map(Number);
    return n + (b === undefined ? 1 : (b as number) - (a as number) + 1);
  }, 0);
}

/**
 * Seconds the process's main thread has spent ready to run but waiting for a
 * core (the run queue), from /proc/PID/schedstat (Linux); undefined elsewhere.
 * When it grows during a phase, another process had the core.
 */
export function runQueueSeconds(pid: number): number | undefined {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
  } catch {
    return undefined;
  }
}
