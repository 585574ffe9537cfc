import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { getFreePort } from './ports';
import { spawnProcess, waitForHttp, type ExitInfo, type ManagedProcess } from './processes';
import { gatewayTlsEnv, type TlsMaterial } from './tls';
import { tempDir } from './tmp';

/**
 * The built gateway (`node services/dicom-gateway/dist/main.js`) as a black box: configured only
 * through its environment and a production.yaml, observed through its ports, /health and its JSON logs.
 */

export const WORKSPACE_ROOT = path.resolve(__dirname, '..', '..');
export const GATEWAY_MAIN = path.join(WORKSPACE_ROOT, 'services', 'dicom-gateway', 'dist', 'main.js');
/**
 * Node flags the gateway runs with, as in its image (docker/Dockerfile) and `npm start`:
 * - a 4 MB young-generation semi-space keeps short-lived PDU buffers from inflating RSS during large
 *   transfers;
 * - old-generation headroom of half the live heap. V8 (11, Node 20) counts every byte of buffers
 *   allocated since the last full collection against the old generation's limit, freed or not, and
 *   under a 256 MB heap it sets that limit only 27-30% above the live heap: about 14 MB for a gateway
 *   that has been running (50 MB heap). Every 14 MB received from the network then started a full
 *   mark-compact, which freed almost nothing: 200 × 512 KB on tmpfs took 0.55-0.6 s, with ~45
 *   mark-compacts and a third of the main thread in GC; with this flag 0.30-0.35 s and 6.
 *   Headroom is resident memory: 100% made 1 GiB on a fresh gateway faster still (1.8 s against
 *   2.7 s) but took the S3 gateway past 200 MB RSS in the store bench (208 MB at 256 MB; 177 MB at 50%).
 */
export const GATEWAY_NODE_FLAGS = ['--max-semi-space-size=4', '--heap-growing-percent=50'];
/**
 * The old-generation limit the gateway gets in its pod without asking: Node sizes V8's heap from the
 * cgroup memory limit, and 64-bit V8 takes half of it (256 MB at the chart's 512 MiB). On a host with
 * 24 GiB and no limit V8 allows 4 GB instead, and lets garbage pile up past 100 MB before a full
 * collection (RSS 230 MB after 3,000 instances, against 130 MB with this flag), so an RSS read here
 * would describe no deployment. The image leaves the flag out: a pod given more memory gets more heap.
 */
export const POD_HEAP_FLAGS = ['--max-old-space-size=256'];
/** As docker/Dockerfile and `npm start` run it (see the Dockerfile for why). */
export const GATEWAY_PROCESS_ENV = { MALLOC_MMAP_THRESHOLD_: '131072' };

export interface StartGatewayOptions {
  /**
   * production.yaml content. An object is serialised; each listener without a port (or port 0)
   * gets a free one, the first of them DICOM_PORT. A string is written verbatim.
   */
  production: object | string;
  /** Extra environment; wins over everything this helper sets (DICOM_PORT, HTTP_PORT, DATA_DIR, LOG_LEVEL...). */
  env?: Record<string, string>;
  /** Enables the TLS listener: DICOM_TLS_PORT on a free port and TLS_* files from this material. */
  tls?: TlsMaterial;
  readyTimeoutMs?: number;
}

export interface GatewayHandle {
  dicomPort: number;
  httpPort: number;
  tlsPort?: number;
  /** Port of each listener in production.yaml, by name (object form only). */
  listenerPorts: Record<string, number>;
  pid: number;
  /** Temp dir with production.yaml and the default DATA_DIR. */
  dir: string;
  process: ManagedProcess;
  /** stdout lines so far (pino JSON lines). */
  logs(): string[];
  /** stdout lines that parse as JSON objects. */
  logRecords(): Record<string, unknown>[];
  /** Resolves with the first log record matching `predicate`; rejects after timeoutMs. */
  waitForLog(predicate: (record: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resident set size now, from /proc/<pid>/status (VmRSS). */
  rssBytes(): number;
  /** SIGTERM, then SIGKILL after graceMs (default 10 s); resolves with how it exited. */
  stop(graceMs?: number): Promise<ExitInfo>;
}

interface ListenerConfig {
  name?: string;
  port?: number;
  [key: string]: unknown;
}

/** Give port-less listeners free ports; returns the rewritten config and the ports by listener name. */
async function assignListenerPorts(production: object): Promise<{ config: object; ports: Record<string, number>; first?: number }> {
  const config = structuredClone(production) as { listeners?: ListenerConfig[] };
  const ports: Record<string, number> = {};
  let first: number | undefined;
  for (const [i, listener] of (config.listeners ?? []).entries()) {
    if (!listener.port) listener.port = await getFreePort();
    ports[listener.name ?? `listener${i}`] = listener.port;
    first ??= listener.port;
  }
  return { config, ports, first };
}

export function readRssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status (process gone or a zombie?)`);
  return Number(match[1]) * 1024;
}

export async function startGateway(options: StartGatewayOptions): Promise<GatewayHandle> {
  if (!fs.existsSync(GATEWAY_MAIN)) {
    throw new Error(`${GATEWAY_MAIN} does not exist: run \`npm run build\` at the workspace root before the interop tests`);
  }
  const dir = tempDir('gateway');
  let yamlText: string;
  let listenerPorts: Record<string, number> = {};
  let dicomPort: number;
  if (typeof options.production === 'string') {
    yamlText = options.production;
    dicomPort = Number(options.env?.DICOM_PORT ?? (await getFreePort()));
  } else {
    const assigned = await assignListenerPorts(options.production);
    yamlText = stringify(assigned.config);
    listenerPorts = assigned.ports;
    dicomPort = Number(options.env?.DICOM_PORT ?? assigned.first ?? (await getFreePort()));
  }
  const productionFile = path.join(dir, 'production.yaml');
  fs.writeFileSync(productionFile, yamlText);

  const httpPort = Number(options.env?.HTTP_PORT ?? (await getFreePort()));
  const tlsEnabled = options.tls !== undefined || options.env?.TLS_CERT_FILE !== undefined;
  const tlsPort = tlsEnabled ? Number(options.env?.DICOM_TLS_PORT ?? (await getFreePort())) : undefined;
  const dataDir = path.join(dir, 'data');
  fs.mkdirSync(dataDir, { recursive: true });

  const env: Record<string, string> = {
    ...GATEWAY_PROCESS_ENV,
    DICOM_PORT: String(dicomPort),
    HTTP_PORT: String(httpPort),
    PRODUCTION_CONFIG: productionFile,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    ...(tlsPort !== undefined ? { DICOM_TLS_PORT: String(tlsPort) } : {}),
    ...(options.tls ? gatewayTlsEnv(options.tls) : {}),
    ...options.env,
  };
  const proc = spawnProcess(process.execPath, [...GATEWAY_NODE_FLAGS, ...POD_HEAP_FLAGS, GATEWAY_MAIN], { name: `gateway(dicom ${dicomPort}, http ${httpPort})`, cwd: dir, env });
  try {
    await waitForHttp(`http://127.0.0.1:${httpPort}/health/ready`, { process: proc, timeoutMs: options.readyTimeoutMs ?? 30_000 });
  } catch (e) {
    await proc.stop({ graceMs: 2000 });
    throw e;
  }

  const logs = () => proc.stdout().split('\n').filter((line) => line.length > 0);
  const logRecords = () =>
    logs().flatMap((line) => {
      try {
        const parsed: unknown = JSON.parse(line);
        return parsed && typeof parsed === 'object' ? [parsed as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
  const waitForLog = async (predicate: (r: Record<string, unknown>) => boolean, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = logRecords().find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching gateway log record within ${timeoutMs} ms; last lines:\n${logs().slice(-20).join('\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return {
    dicomPort,
    httpPort,
    tlsPort,
    listenerPorts,
    pid: proc.pid,
    dir,
    process: proc,
    logs,
    logRecords,
    waitForLog,
    rssBytes: () => readRssBytes(proc.pid),
    stop: (graceMs = 10_000) => proc.stop({ graceMs }),
  };
}
