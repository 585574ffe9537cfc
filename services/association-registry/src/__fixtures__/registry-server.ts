import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AssociationConfig } from '@dicom-router/config';
import pino from 'pino';
import { createRegistryApp, type RegistryApp } from '../registry-app';

export { createTestDatabase, type TestDatabase } from '@dicom-router/persistence/testing';

export const TEST_TOKEN = 'test-token-0123456789abcdef';

export async function tempDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'registry-test-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface RunningRegistry {
  readonly registry: RegistryApp;
  readonly baseUrl: string;
  /** A REST call with the test token unless `token` says otherwise (null: no Authorization header). */
  call(method: string, path: string, options?: { json?: unknown; text?: string | Buffer; token?: string | null }): Promise<ApiResponse>;
  count(table: 'association' | 'presentation_context'): Promise<number>;
  stop(): Promise<void>;
}

export interface StartOptions {
  databaseUrl?: string;
  dataDir: string;
  apiToken?: string | null;
  associations?: readonly AssociationConfig[];
  natsUrl?: string;
}

/** The service as main.ts runs it, listening on a free port of the loopback interface. */
export async function startRegistry(options: StartOptions): Promise<RunningRegistry> {
  const registry = await createRegistryApp({
    databaseUrl: options.databaseUrl,
    dataDir: options.dataDir,
    apiToken: options.apiToken === null ? undefined : (options.apiToken ?? TEST_TOKEN),
    associations: options.associations ?? [],
    natsUrl: options.natsUrl,
    logger: pino({ level: 'silent' }),
  });
  await registry.app.listen(0, '127.0.0.1');
  const { port } = registry.app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    registry,
    baseUrl,
    async call(method, path, { json, text, token } = {}) {
      const headers: Record<string, string> = {};
      const auth = token === undefined ? registry.apiToken : token;
      if (auth !== null) headers['authorization'] = `Bearer ${auth}`;
      let body: string | Buffer | undefined;
      if (json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(json);
      } else if (text !== undefined) {
        headers['content-type'] = 'text/plain';
        body = text;
      }
      const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
      const raw = await response.text();
      const type = response.headers.get('content-type') ?? '';
      return { status: response.status, headers: response.headers, body: type.includes('json') && raw ? JSON.parse(raw) : raw };
    },
    async count(table) {
      const [row] = await registry.database.run((m) => m.query(`SELECT count(*)::int AS n FROM ${table}`));
      return row.n as number;
    },
    stop: () => registry.close(),
  };
}
