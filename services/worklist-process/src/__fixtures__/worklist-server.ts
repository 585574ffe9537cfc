import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@dicom-router/service-runtime';
import type { FindSettings } from '../application/find-settings';
import { createWorklistApp, type WorklistApp } from '../worklist-app';

export { createTestDatabase, type TestDatabase } from '@dicom-router/persistence/testing';

export const TOKEN = 'worklist-unit-test-token-0123';

export interface RunningWorklist {
  worklist: WorklistApp;
  call(method: string, path: string, body?: Buffer | string, contentType?: string, token?: string): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export async function startWorklist(options: { databaseUrl?: string; find?: Partial<FindSettings> }): Promise<RunningWorklist> {
  const dataDir = await mkdtemp(join(tmpdir(), 'worklist-'));
  const logger = createLogger('worklist-test', 'warn');
  const worklist = await createWorklistApp(
    { databaseUrl: options.databaseUrl, dataDir, apiToken: TOKEN, find: { maxMatches: 1000, overLimitPolicy: 'refuse', caseInsensitivePersonNames: false, ...options.find } },
    logger,
  );
  await worklist.app.listen(0, '127.0.0.1');
  const address = worklist.app.getHttpServer().address() as { port: number };
  return {
    worklist,
    call: async (method, path, body, contentType, token = TOKEN) => {
      const response = await fetch(`http://127.0.0.1:${address.port}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(contentType ? { 'content-type': contentType } : {}) },
        body,
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    stop: async () => {
      await worklist.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
