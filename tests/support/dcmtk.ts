import fs from 'node:fs';
import { getFreePort } from './ports';
import { runCommand, spawnProcess, waitForPort, type ManagedProcess, type RunResult } from './processes';
import { requireTool } from './tools';
import { tempDir } from './tmp';

export { requireTool } from './tools';

/**
 * DCMTK command-line peers (Debian `dcmtk`, 3.6.7). DCMTK leaves Nagle's algorithm on unless
 * TCP_NODELAY=1 is set, which adds ~40 ms to every message; every run here sets it.
 */
export const DCMTK_ENV: Readonly<Record<string, string>> = { TCP_NODELAY: '1' };

/** Connection, ACSE and DIMSE timeouts (seconds) so a silent peer fails the tool instead of hanging it. */
const DEFAULT_TIMEOUT_ARGS = ['-to', '10', '-ta', '10', '-td', '10'];

export interface DcmtkResult extends RunResult {
  /** The command line, for assertion messages. */
  commandLine: string;
}

export interface RunDcmtkOptions {
  timeoutMs?: number;
  env?: Record<string, string>;
}

/** Run any DCMTK tool to completion (TCP_NODELAY=1 always; the caller's env cannot turn it off). */
export async function runDcmtk(tool: string, args: readonly string[], options: RunDcmtkOptions = {}): Promise<DcmtkResult> {
  const file = requireTool(tool);
  const result = await runCommand(file, args, {
    name: tool,
    env: { ...options.env, ...DCMTK_ENV },
    timeoutMs: options.timeoutMs ?? 60_000,
  });
  return { ...result, commandLine: [tool, ...args].join(' ') };
}

/** Where an SCU connects and which AE titles it presents. */
export interface AssociationTarget {
  host?: string;
  port: number;
  /** Our AE title (-aet); DCMTK's default is its tool name. */
  callingAet?: string;
  /** The peer's AE title (-aec). */
  calledAet: string;
}

interface ScuOptions extends AssociationTarget, RunDcmtkOptions {
  /** Appended before host/port: e.g. ['-v'], TLS options from tls.ts. */
  extraArgs?: readonly string[];
}

function scuArgs(target: ScuOptions, toolArgs: readonly string[]): string[] {
  return [
    ...DEFAULT_TIMEOUT_ARGS,
    '-aet', target.callingAet ?? 'DCMTK_SCU',
    '-aec', target.calledAet,
    ...toolArgs,
    ...(target.extraArgs ?? []),
    target.host ?? '127.0.0.1',
    String(target.port),
  ];
}

/** C-ECHO; `repeat` sends that many echoes over one association. Exit code 0 means success. */
export function echoscu(options: ScuOptions & { repeat?: number }): Promise<DcmtkResult> {
  const extra = options.repeat && options.repeat > 1 ? ['--repeat', String(options.repeat)] : [];
  return runDcmtk('echoscu', scuArgs(options, extra), options);
}

/**
 * C-STORE of the given files. `noHalt` (-nh) keeps going after an unreadable file; without it
 * storescu stops at the first one.
 */
export function storescu(options: ScuOptions & { files: readonly string[]; noHalt?: boolean }): Promise<DcmtkResult> {
  const args = scuArgs(options, options.noHalt ? ['-nh'] : []);
  // Files go after host/port on storescu's command line.
  return runDcmtk('storescu', [...args, ...options.files], options);
}

export type FindModel = 'patient' | 'study' | 'worklist';
const FIND_MODEL_FLAG: Record<FindModel, string> = { patient: '-P', study: '-S', worklist: '-W' };

/**
 * C-FIND with keys as findscu's `-k` strings, e.g. `['QueryRetrieveLevel=STUDY', 'PatientID=123', 'StudyInstanceUID']`.
 * `-X` writes each response to rsp*.dcm in `outputDir` when given.
 */
export function findscu(
  options: ScuOptions & { model: FindModel; keys: readonly string[]; outputDir?: string },
): Promise<DcmtkResult> {
  const toolArgs = [FIND_MODEL_FLAG[options.model], ...options.keys.flatMap((k) => ['-k', k])];
  if (options.outputDir) toolArgs.push('-X', '-od', options.outputDir);
  return runDcmtk('findscu', scuArgs(options, toolArgs), options);
}

export interface StorescpOptions {
  aet: string;
  /** Defaults to a free loopback port. */
  port?: number;
  /** Where received objects land; defaults to a fresh temp dir. */
  outputDir?: string;
  /** Extra storescp options, e.g. TLS options from tls.ts or ['--ignore']. */
  extraArgs?: readonly string[];
  /** -v logging (default true): association events in the captured output. Off for benchmarks. */
  verbose?: boolean;
  readyTimeoutMs?: number;
  /** Added to storescp's environment (TCP_NODELAY=1 always), e.g. LD_PRELOAD for the store bench. */
  env?: Record<string, string>;
}

export interface StorescpPeer {
  aet: string;
  port: number;
  outputDir: string;
  process: ManagedProcess;
  /** Files received so far (names only). */
  receivedFiles(): string[];
  stop(): Promise<void>;
}

/**
 * storescp as a long-running SCP (it also answers C-ECHO). Resolves once its port accepts.
 * storescp only binds IPv4 wildcard; tests connect to 127.0.0.1.
 */
export async function startStorescp(options: StorescpOptions): Promise<StorescpPeer> {
  const file = requireTool('storescp');
  const port = options.port ?? (await getFreePort());
  const outputDir = options.outputDir ?? tempDir('storescp');
  fs.mkdirSync(outputDir, { recursive: true });
  const args = [
    ...(options.verbose === false ? [] : ['-v']),
    '-aet', options.aet,
    '-od', outputDir,
    // Bound every wait so a stuck association cannot hold the peer forever.
    '-ta', '10', '-td', '10',
    ...(options.extraArgs ?? []),
    String(port),
  ];
  const proc = spawnProcess(file, args, { name: `storescp(${options.aet}:${port})`, env: { ...options.env, ...DCMTK_ENV } });
  try {
    await waitForPort(port, { process: proc, timeoutMs: options.readyTimeoutMs ?? 10_000 });
  } catch (e) {
    await proc.stop();
    throw e;
  }
  return {
    aet: options.aet,
    port,
    outputDir,
    process: proc,
    receivedFiles: () => fs.readdirSync(outputDir),
    stop: async () => {
      await proc.stop();
    },
  };
}
