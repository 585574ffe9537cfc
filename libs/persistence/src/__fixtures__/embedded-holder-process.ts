import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Holder {
  process: ChildProcess;
  pid: number;
  /** What the holder wrote to stderr (its log, or why it failed). */
  stderr(): string;
  /** The postmaster it started, from postmaster.pid. */
  postmasterPid(): number;
  /** The holder's own children: the postmaster and the watchdog. */
  children(): number[];
  exited: Promise<number | null>;
}

/** Starts embedded-holder.ts in a process of its own; resolves once it holds the database, or once it failed. */
export async function startHolder(dataDir: string): Promise<Holder> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, 'embedded-holder.ts'), dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const ready = new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve()));
  await Promise.race([ready, exited]);
  return {
    process: child,
    pid: child.pid ?? 0,
    stderr: () => stderr,
    postmasterPid: () => Number(readFileSync(join(dataDir, 'db', 'postmaster.pid'), 'utf8').split('\n')[0]),
    children: () =>
      execFileSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map(Number),
    exited,
  };
}

export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\S+ \(.*\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

export async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
