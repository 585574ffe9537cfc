import fs from 'node:fs';
import path from 'node:path';
import { WORKSPACE_ROOT } from './gateway';
import { getFreePort } from './ports';
import { spawnProcess, waitForHttp, type ManagedProcess } from './processes';

export const ASYNC_FILER_MAIN = path.join(WORKSPACE_ROOT, 'services', 'async-filer', 'dist', 'main.js');

export interface AsyncFilerHandle {
  httpPort: number;
  process: ManagedProcess;
  /** REST call with the bearer token; the body is parsed as JSON when there is one. */
  api<T = unknown>(method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** pino JSON lines of stdout that parse. */
  logRecords(): Record<string, unknown>[];
  /** SIGTERM, then SIGKILL after graceMs. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once: no shutdown code runs. */
  kill(): Promise<void>;
}

/** Starts the built async-filer (services/async-filer/dist/main.js) and waits until it is ready. */
export async function startAsyncFiler(env: Record<string, string>, token = 'async-filer-test-token'): Promise<AsyncFilerHandle> {
  if (!fs.existsSync(ASYNC_FILER_MAIN)) throw new Error(`${ASYNC_FILER_MAIN} does not exist: run \`npm run build\` first`);
  const httpPort = await getFreePort();
  const proc = spawnProcess(process.execPath, [ASYNC_FILER_MAIN], {
    name: `async-filer(http ${httpPort})`,
    env: { LOG_LEVEL: 'info', API_TOKEN: token, ...env, HTTP_PORT: String(httpPort) },
  });
  try {
    await waitForHttp(`http://127.0.0.1:${httpPort}/health/ready`, { process: proc, timeoutMs: 30_000 });
  } catch (error) {
    await proc.stop({ graceMs: 2000 });
    throw error;
  }
  return {
    httpPort,
    process: proc,
    async api<T>(method: string, urlPath: string, body?: unknown) {
      const response = await fetch(`http://127.0.0.1:${httpPort}${urlPath}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
    },
    logRecords: () =>
      proc
        .stdout()
        .split('\n')
        .flatMap((line) => {
          try {
            const value: unknown = JSON.parse(line);
            return typeof value === 'object' && value !== null ? [value as Record<string, unknown>] : [];
          } catch {
            return [];
          }
        }),
    stop: async (graceMs = 10_000) => void (await proc.stop({ graceMs })),
    kill: async () => void (await proc.stop({ signal: 'SIGKILL', graceMs: 0 })),
  };
}
