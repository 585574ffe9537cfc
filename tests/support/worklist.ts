import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { WORKSPACE_ROOT } from './gateway';
import { getFreePort } from './ports';
import { spawnProcess, waitForHttp, type ManagedProcess } from './processes';
import { tempDir } from './tmp';

/** The built worklist-process (`services/worklist-process/dist/main.js`) as a black box. */
export const WORKLIST_MAIN = path.join(WORKSPACE_ROOT, 'services', 'worklist-process', 'dist', 'main.js');
export const DCMTK_EXAMPLES = '/usr/share/doc/dcmtk/examples';
export const MODALITY_WORKLIST_FIND = '1.2.840.10008.5.1.4.31';

export interface WorklistProcessOptions {
  databaseUrl: string;
  natsUrl?: string;
  worklist?: { maxMatches?: number; overLimitPolicy?: 'refuse' | 'truncate' };
  env?: Record<string, string>;
}

export interface WorklistProcessHandle {
  httpPort: number;
  token: string;
  process: ManagedProcess;
  /** POST to /api/v1/worklist/items… with the bearer token. */
  post(pathAndQuery: string, body: Buffer | string, contentType: string): Promise<{ status: number; json: unknown }>;
  get(pathAndQuery: string): Promise<{ status: number; json: unknown }>;
  stop(): Promise<unknown>;
}

export async function startWorklistProcess(options: WorklistProcessOptions): Promise<WorklistProcessHandle> {
  if (!fs.existsSync(WORKLIST_MAIN)) throw new Error(`${WORKLIST_MAIN} does not exist: run \`npm run build\` before the interop tests`);
  const dir = tempDir('worklist-process');
  const productionFile = path.join(dir, 'production.yaml');
  fs.writeFileSync(productionFile, stringify({ listeners: [], worklist: options.worklist ?? {} }));
  const httpPort = await getFreePort();
  const token = 'worklist-test-token-0123456789';
  const proc = spawnProcess(process.execPath, [WORKLIST_MAIN], {
    name: `worklist-process(http ${httpPort})`,
    cwd: dir,
    env: {
      HTTP_PORT: String(httpPort),
      DATA_DIR: path.join(dir, 'data'),
      DATABASE_URL: options.databaseUrl,
      PRODUCTION_CONFIG: productionFile,
      API_TOKEN: token,
      LOG_LEVEL: 'info',
      ...(options.natsUrl ? { NATS_URL: options.natsUrl } : {}),
      ...options.env,
    },
  });
  try {
    await waitForHttp(`http://127.0.0.1:${httpPort}/health/ready`, { process: proc, timeoutMs: 30_000 });
  } catch (e) {
    await proc.stop({ graceMs: 2000 });
    throw e;
  }
  return { httpPort, token, process: proc, ...worklistApi(httpPort, token), stop: () => proc.stop({ graceMs: 10_000 }) };
}

/** The worklist REST API on `httpPort` (worklist-process alone, or the all-in-one gateway that hosts it). */
export function worklistApi(httpPort: number, token: string): Pick<WorklistProcessHandle, 'post' | 'get'> {
  const call = async (method: string, pathAndQuery: string, body?: Buffer | string, contentType?: string) => {
    const response = await fetch(`http://127.0.0.1:${httpPort}${pathAndQuery}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(contentType ? { 'content-type': contentType } : {}) },
      body,
    });
    const text = await response.text();
    let json: unknown = text;
    try {
      json = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: response.status, json };
  };
  return { post: (p, body, contentType) => call('POST', p, body, contentType), get: (p) => call('GET', p) };
}
