import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import fs from 'node:fs';
import net from 'node:net';

/**
 * Child processes for tests: output captured, readiness waits bounded in time, and a stop that
 * takes the whole process group (a peer that forks, or a shell, must not outlive the suite).
 * Every process started here is tracked; call `stopAll()` in afterAll.
 */

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (e.g. ENOENT). */
  error?: Error;
}

export interface SpawnOptions {
  /** Label used in error messages; defaults to the command. */
  name?: string;
  cwd?: string;
  /** Merged over process.env; a value of undefined removes the variable. */
  env?: Record<string, string | undefined>;
}

/** util-linux's setpriv (always on Debian); without it we rely on stop()/stopAll() alone. */
const PDEATHSIG_WRAPPER = fs.existsSync('/usr/bin/setpriv') ? '/usr/bin/setpriv' : undefined;

/** Keep at most this much of each stream: a chatty peer must not eat the test runner's memory. */
const MAX_CAPTURE_CHARS = 16 * 1024 * 1024;

class Capture {
  private chunks: string[] = [];
  private size = 0;

  add(text: string): void {
    this.chunks.push(text);
    this.size += text.length;
    while (this.size > MAX_CAPTURE_CHARS && this.chunks.length > 1) {
      this.size -= this.chunks.shift()?.length ?? 0;
    }
  }

  text(): string {
    return this.chunks.join('');
  }
}

export class ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | undefined;
  private readonly out = new Capture();
  private readonly err = new Capture();
  private readonly all = new Capture();

  constructor(command: string, args: readonly string[], options: SpawnOptions = {}) {
    this.name = options.name ?? command;
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [key, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
    // detached: the child leads its own process group, so stop() can signal the whole group.
    // setpriv --pdeathsig: the kernel kills the child if the test runner dies without cleaning up
    // (SIGKILL, crash); setpriv execs the command, so the pid stays the command's own.
    const [file, argv] = PDEATHSIG_WRAPPER ? [PDEATHSIG_WRAPPER, ['--pdeathsig', 'KILL', '--', command, ...args]] : [command, [...args]];
    this.child = spawn(file, argv, {
      cwd: options.cwd,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // stdio is ['ignore', 'pipe', 'pipe'], so both streams exist.
    this.child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      this.out.add(d);
      this.all.add(d);
    });
    this.child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      this.err.add(d);
      this.all.add(d);
    });
    this.exited = new Promise<ExitInfo>((resolve) => {
      this.child.once('error', (error) => {
        // 'error' without 'exit' means it never ran.
        if (this.child.pid === undefined) {
          this.exitInfo = { code: null, signal: null, error };
          resolve(this.exitInfo);
        }
      });
      // 'close' rather than 'exit': the pipes are drained, so stdout() is complete afterwards.
      this.child.once('close', (code, signal) => {
        this.exitInfo ??= { code, signal };
        resolve(this.exitInfo);
      });
    });
    live.add(this);
    void this.exited.then(() => live.delete(this));
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} has no pid: ${this.exitInfo?.error?.message ?? 'not started'}`);
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  get exit(): ExitInfo | undefined {
    return this.exitInfo;
  }

  stdout(): string {
    return this.out.text();
  }

  stderr(): string {
    return this.err.text();
  }

  /** stdout and stderr interleaved in arrival order. */
  output(): string {
    return this.all.text();
  }

  /** One line for an error message: who, how it ended, and the tail of what it printed. */
  describe(tailChars = 4000): string {
    const state = this.exitInfo
      ? this.exitInfo.error
        ? `failed to start: ${this.exitInfo.error.message}`
        : `exited with code ${this.exitInfo.code} signal ${this.exitInfo.signal}`
      : `running as pid ${this.child.pid}`;
    const tail = this.output().slice(-tailChars);
    return `${this.name} ${state}${tail ? `; last output:\n${tail}` : ''}`;
  }

  /** SIGTERM to the process group, SIGKILL after graceMs. Safe to call more than once. */
  async stop(options: { signal?: NodeJS.Signals; graceMs?: number } = {}): Promise<ExitInfo> {
    const { signal = 'SIGTERM', graceMs = 5000 } = options;
    if (this.exitInfo) return this.exitInfo;
    signalGroup(this.child, signal);
    const timer = setTimeout(() => signalGroup(this.child, 'SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Group already gone; fall back to the leader in case it changed its group.
    try {
      child.kill(signal);
    } catch {
      /* already exited */
    }
  }
}

const live = new Set<ManagedProcess>();

// Last resort in plain node scripts (bench) that exit without stopAll(). Under jest the sandboxed
// `process` never sees 'exit'; there the pdeathsig wrapper covers a dying runner.
process.once('exit', () => {
  for (const p of live) signalGroup(p.child, 'SIGKILL');
});

export function spawnProcess(command: string, args: readonly string[], options: SpawnOptions = {}): ManagedProcess {
  return new ManagedProcess(command, args, options);
}

/** Stop every process this module started and that is still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((p) => p.stop()));
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
}

/** Run a command to completion; a run past timeoutMs is killed (whole group) and reported as timedOut. */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { timeoutMs?: number } = {},
): Promise<RunResult> {
  const started = performance.now();
  const proc = spawnProcess(command, args, options);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void proc.stop({ graceMs: 1000 });
  }, options.timeoutMs ?? 30_000);
  const exit = await proc.exited;
  clearTimeout(timer);
  if (exit.error) throw new Error(`${proc.name}: ${exit.error.message}`);
  return {
    code: exit.code,
    signal: exit.signal,
    stdout: proc.stdout(),
    stderr: proc.stderr(),
    durationMs: performance.now() - started,
    timedOut,
  };
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** If given, the wait fails at once when this process exits, with its output in the message. */
  process?: ManagedProcess;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function poll(what: string, attempt: () => Promise<boolean>, options: WaitOptions): Promise<void> {
  const { timeoutMs = 15_000, intervalMs = 100, process: proc } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    if (proc && !proc.running) throw new Error(`gave up waiting for ${what}: ${proc.describe()}`);
    try {
      if (await attempt()) return;
    } catch (e) {
      lastError = (e as Error).message;
    }
    if (Date.now() >= deadline) {
      const detail = proc ? `\n${proc.describe()}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError})` : ''}${detail}`);
    }
    await sleep(intervalMs);
  }
}

/** Resolves once a TCP connect to host:port succeeds (the probe connection is closed at once). */
export function canConnect(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function waitForPort(port: number, options: WaitOptions & { host?: string } = {}): Promise<void> {
  const host = options.host ?? '127.0.0.1';
  await poll(`TCP ${host}:${port}`, () => canConnect(port, host), options);
}

export interface HttpResponse {
  status: number;
  body: string;
}

/** Plain GET on loopback, no redirects, no keep-alive (nothing left open for jest to complain about). */
export function httpGet(url: string, timeoutMs = 2000): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/** Polls url until it answers with a status accepted by `accept` (default 2xx); returns that response. */
export async function waitForHttp(
  url: string,
  options: WaitOptions & { accept?: (status: number) => boolean } = {},
): Promise<HttpResponse> {
  const accept = options.accept ?? ((s) => s >= 200 && s < 300);
  let accepted: HttpResponse | undefined;
  await poll(
    `GET ${url}`,
    async () => {
      const res = await httpGet(url);
      if (!accept(res.status)) throw new Error(`status ${res.status}: ${res.body.slice(0, 200)}`);
      accepted = res;
      return true;
    },
    options,
  );
  if (!accepted) throw new Error(`GET ${url}: no accepted response`); // unreachable: poll resolved
  return accepted;
}
