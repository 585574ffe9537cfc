import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { WORKSPACE_ROOT } from './gateway';
import { getFreePort } from './ports';
import { spawnProcess, waitForHttp, type ManagedProcess } from './processes';
import { tempDir } from './tmp';

/** The built standalone association registry (`node services/association-registry/dist/main.js`). */
export const REGISTRY_MAIN = path.join(WORKSPACE_ROOT, 'services', 'association-registry', 'dist', 'main.js');

export interface StartRegistryOptions {
  /** Environment: DATABASE_URL, NATS_URL, API_TOKEN... wins over what this helper sets. */
  env?: Record<string, string>;
  /** production.yaml content (the registry reads `associations`); default: one unused listener, no associations. */
  production?: object;
}

export interface RegistryHandle {
  httpPort: number;
  baseUrl: string;
  process: ManagedProcess;
  /** A REST call with `Authorization: Bearer <token>`; the body is parsed when it is JSON. */
  call(method: string, urlPath: string, token: string, json?: unknown): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  stop(graceMs?: number): Promise<void>;
}

export async function startRegistryProcess(options: StartRegistryOptions = {}): Promise<RegistryHandle> {
  if (!fs.existsSync(REGISTRY_MAIN)) {
    throw new Error(`${REGISTRY_MAIN} does not exist: run \`npm run build\` at the workspace root before the interop tests`);
  }
  const dir = tempDir('registry');
  const productionFile = path.join(dir, 'production.yaml');
  fs.writeFileSync(productionFile, stringify(options.production ?? { listeners: [{ name: 'unused', port: 104, remoteAets: ['*'] }] }));
  const httpPort = Number(options.env?.HTTP_PORT ?? (await getFreePort()));
  const env = { HTTP_PORT: String(httpPort), PRODUCTION_CONFIG: productionFile, DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'debug', ...options.env };
  const proc = spawnProcess(process.execPath, [REGISTRY_MAIN], { name: `association-registry(http ${httpPort})`, cwd: dir, env });
  try {
    await waitForHttp(`http://127.0.0.1:${httpPort}/health/ready`, { process: proc, timeoutMs: 30_000 });
  } catch (e) {
    await proc.stop({ graceMs: 2000 });
    throw e;
  }
  const baseUrl = `http://127.0.0.1:${httpPort}`;
  return {
    httpPort,
    baseUrl,
    process: proc,
    call: (method, urlPath, token, json) => restCall(baseUrl, method, urlPath, token, json),
    stop: async (graceMs = 10_000) => void (await proc.stop({ graceMs })),
  };
}

/** One REST call against a registry API (standalone, or hosted in the gateway's process). */
export async function restCall(baseUrl: string, method: string, urlPath: string, token: string, json?: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${urlPath}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
  const text = await response.text();
  let body: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json') && text) body = JSON.parse(text);
  return { status: response.status, body };
}
