import { readFile, readlink, realpath } from 'node:fs/promises';

/** What /proc says about a process; `undefined` when it is gone (or a zombie waiting to be reaped). */
export async function processInfo(pid: number): Promise<{ parent: number } | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
    const [state, parent] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return state === 'Z' || state === 'X' ? undefined : { parent: Number(parent) };
  } catch {
    return undefined;
  }
}

export async function isRunning(pid: number): Promise<boolean> {
  return (await processInfo(pid)) !== undefined;
}

/** Whether `pid` runs with `dir` as its working directory, as a postmaster does with its data directory. */
export async function runsIn(pid: number, dir: string): Promise<boolean> {
  try {
    const [cwd, wanted] = await Promise.all([readlink(`/proc/${pid}/cwd`), realpath(dir)]);
    return cwd === wanted;
  } catch {
    // Gone, or another user's process: not a postmaster of ours.
    return false;
  }
}

/** Resolves once `pid` has ended, or with false after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await isRunning(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}
