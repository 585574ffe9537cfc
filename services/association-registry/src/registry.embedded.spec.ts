import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, type AssociationConfig } from '@dicom-router/config';
import { startRegistry, tempDir, type RunningRegistry } from './__fixtures__/registry-server';

const VERIFICATION = '1.2.840.10008.1.1';
const production = (transferSyntaxes: string[]): AssociationConfig[] => [
  { name: 'DCMTK echoscu', callingAet: 'ECHOSCU', calledAet: 'ANY-SCP', presentationContexts: [{ abstractSyntax: VERIFICATION, transferSyntaxes }] },
];

let dir: Awaited<ReturnType<typeof tempDir>>;
let api: RunningRegistry | undefined;

beforeAll(async () => {
  dir = await tempDir();
});

afterEach(async () => {
  await api?.stop();
  api = undefined;
});

afterAll(() => dir.remove());

describe('on the embedded database (PostgreSQL as a child process), without API_TOKEN', () => {
  it('generates the token once (mode 0600), upserts production.yaml associations, and keeps data across a restart', async () => {
    api = await startRegistry({ dataDir: dir.path, apiToken: null, associations: production(['1.2.840.10008.1.2.1', '1.2.840.10008.1.2']) });
    const token = api.registry.apiToken;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await stat(join(dir.path, 'api-token'))).mode & 0o777).toBe(0o600);
    expect(await api.call('GET', '/health/ready', { token: null })).toMatchObject({ status: 200, body: { info: { database: { kind: 'embedded' } } } });
    expect((await api.call('GET', '/api/v1/associations', { token: null })).status).toBe(401);

    const imported = await api.call('POST', '/api/v1/associations/import?callingAet=ENS-SCU&calledAet=MWL-SCP', {
      text: `${VERIFICATION}\n1.2.840.10008.5.1.4.31\\1.2.840.10008.1.2.1\n`,
    });
    expect(imported.status).toBe(201);
    await api.stop();

    api = await startRegistry({ dataDir: dir.path, apiToken: null, associations: production(['1.2.840.10008.1.2']) });
    expect(api.registry.apiToken).toBe(token);
    const listed = (await api.call('GET', '/api/v1/associations')).body as { callingAet: string; presentationContexts: unknown[] }[];
    expect(listed.map((a) => a.callingAet)).toEqual(['ECHOSCU', 'ENS-SCU']);
    // GitOps: the entry of production.yaml replaced the contexts it had at the first start.
    expect(listed[0].presentationContexts).toEqual([{ abstractSyntax: VERIFICATION, transferSyntaxes: ['1.2.840.10008.1.2'] }]);
  });

  it('refuses to start on a production.yaml association with a bad AE title, writing nothing', async () => {
    const bad = [{ ...production(['1.2.840.10008.1.2'])[0], callingAet: '../../x' }];
    const start = startRegistry({ dataDir: dir.path, associations: bad });
    // A configuration mistake like any other: main.ts reports it and exits 2.
    await expect(start).rejects.toBeInstanceOf(ConfigError);
    await expect(start).rejects.toThrow(/associations\[0\]\.callingAet/);
  });
});
