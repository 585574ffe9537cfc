/**
 * The small entry points the images carry besides the services, run for real from docker/:
 * dicom-echo.js (what `helm test` runs) against a gateway started with the chart's own production
 * (so the C-ECHO the chart's test sends is one that production accepts), healthcheck.js (the image's
 * HEALTHCHECK) against its HTTP port, and migrate.js (the Helm hook Job) against PostgreSQL.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { GATEWAY_MAIN, startGateway, type GatewayHandle } from '../support/gateway';
import { getFreePort } from '../support/ports';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { runCommand } from '../support/processes';
import { CHART_DIR, DOCKER_DIR, readYaml, type Values } from './deploy-files';

const node = process.execPath;
const script = (name: string) => path.join(DOCKER_DIR, name);

describe('docker/dicom-echo.js and docker/healthcheck.js against a gateway running the chart’s production', () => {
  let gateway: GatewayHandle;
  let closedPort: number;
  const values = readYaml(path.join(CHART_DIR, 'values.yaml'));
  const echo = (values.tests as { echo: { callingAet: string; calledAet: string } }).echo;

  beforeAll(async () => {
    if (!fs.existsSync(GATEWAY_MAIN)) throw new Error(`${GATEWAY_MAIN} is missing: run \`npm run build\` first`);
    const production = structuredClone((values.production as { config: { listeners: Values[] } }).config);
    for (const listener of production.listeners) delete listener.port;
    gateway = await startGateway({ production });
    closedPort = await getFreePort();
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('succeeds with the calling and called AE titles `helm test` uses', async () => {
    const result = await runCommand(node, [script('dicom-echo.js'), '127.0.0.1', String(gateway.dicomPort), echo.callingAet, echo.calledAet]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(new RegExp(`^C-ECHO ${echo.callingAet} -> ${echo.calledAet} at 127\\.0\\.0\\.1:\\d+: status 0000H \\(Success\\)`));
    expect(result.code).toBe(0);
  });

  it('fails, naming the rejection, for a calling AE title the production does not know (PS3.8 reason 3)', async () => {
    const result = await runCommand(node, [script('dicom-echo.js'), '127.0.0.1', String(gateway.dicomPort), 'NOBODY', echo.calledAet]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/association rejected: result 1, source 1, reason 3/);
  });

  it('fails when nothing listens, and on bad arguments', async () => {
    const closed = await runCommand(node, [script('dicom-echo.js'), '127.0.0.1', String(closedPort)]);
    expect(closed.code).toBe(1);
    expect(closed.stderr).toMatch(/ECONNREFUSED/);
    const usage = await runCommand(node, [script('dicom-echo.js'), '127.0.0.1', 'eleven']);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/usage: dicom-echo HOST PORT/);
  });

  it('reports healthy while /health/ready answers, unhealthy when nothing answers', async () => {
    const healthy = await runCommand(node, [script('healthcheck.js')], { env: { HTTP_PORT: String(gateway.httpPort) } });
    expect(healthy.code).toBe(0);
    const unhealthy = await runCommand(node, [script('healthcheck.js')], { env: { HTTP_PORT: String(closedPort) } });
    expect(unhealthy.code).toBe(1);
  });
});

describe('docker/migrate.js against PostgreSQL', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('deploy_migrate');
  });
  afterAll(async () => {
    await database?.drop();
  });

  async function tables(): Promise<string[]> {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
      return rows.map((r) => r.tablename);
    } finally {
      await client.end();
    }
  }

  it('applies the outbox and every built service’s migrations (registry, worklist, filer queue), then finds the schema up to date', async () => {
    const env = { DATABASE_URL: database.url };
    const first = await runCommand(node, [script('migrate.js')], { env, timeoutMs: 60_000 });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/applied .*CreateOutboxEvent/);
    // Each migration once, though async-filer's set repeats the outbox's.
    expect(first.stdout.match(/CreateOutboxEvent\d+/g)).toHaveLength(1);
    expect(first.stdout).toMatch(/migrations checked: outbox, .*association-registry registry.*async-filer filer.*worklist-process worklist/);
    // The tables of services/{association-registry,worklist-process,async-filer}/dist/index.js.
    expect(await tables()).toEqual(
      expect.arrayContaining([
        'association',
        'migrations',
        'outbox_event',
        'presentation_context',
        'worklist_item',
        'worklist_step',
        'filer_batch',
        'filer_document',
        'filer_session',
        'filer_state',
      ]),
    );

    const second = await runCommand(node, [script('migrate.js')], { env, timeoutMs: 60_000 });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/schema up to date/);
  });

  it('refuses to run without DATABASE_URL, and names an unreachable database without its password', async () => {
    const missing = await runCommand(node, [script('migrate.js')], { env: { DATABASE_URL: undefined } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/DATABASE_URL is not set/);

    const port = await getFreePort();
    const unreachable = await runCommand(node, [script('migrate.js')], {
      env: { DATABASE_URL: `postgres://router:s3cret-password@127.0.0.1:${port}/router` },
      timeoutMs: 60_000,
    });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}`));
    expect(unreachable.stderr).not.toContain('s3cret-password');
  });
});
