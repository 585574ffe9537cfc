import fs from 'node:fs';
import path from 'node:path';
import { COMMAND_SUBJECTS, NEGOTIATION_QUEUE_GROUP } from '@dicom-router/contracts';
import { connect } from '@nats-io/transport-node';
import { stringify } from 'yaml';
import { echoscu } from '../support/dcmtk';
import { GATEWAY_MAIN, startGateway, type GatewayHandle } from '../support/gateway';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server';
import { getFreePort } from '../support/ports';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { httpGet, runCommand } from '../support/processes';
import { restCall, startRegistryProcess, type RegistryHandle } from '../support/registry';
import { TcpProxy } from '../support/tcp-proxy';
import { tempDir } from '../support/tmp';

const VERIFICATION = '1.2.840.10008.1.1';
const IMPLICIT = '1.2.840.10008.1.2';
const EXPLICIT = '1.2.840.10008.1.2.1';
const TOKEN = 'registry-negotiation-test-token';

/** docs/architecture.md §4 with a RemoteAET pattern: JD-SCU itself, or any title starting with B validated as JD-SCU. */
const production = {
  listeners: [{ name: 'main', localAet: 'ENS-SCP', remoteAets: ['JD-SCU', '?1"B".E/JD-SCU'], negotiation: 'registry', artimTimeoutSeconds: 5 }],
};

const jdScu = {
  name: 'JD-SCU verification',
  callingAet: 'JD-SCU',
  calledAet: 'ENS-SCP',
  presentationContexts: [{ abstractSyntax: VERIFICATION, transferSyntaxes: [EXPLICIT, IMPLICIT] }],
};

type Log = Record<string, unknown>;
const rejected = (callingAet: string) => (r: Log) => r.msg !== undefined && String(r.msg).startsWith('association rejected') && r.callingAet === callingAet;

/** The gateway's log record of the n-th rejection of `callingAet` (0-based), once it is there. */
async function nthRejection(gateway: GatewayHandle, callingAet: string, n: number): Promise<Log> {
  await gateway.waitForLog(() => gateway.logRecords().filter(rejected(callingAet)).length > n);
  return gateway.logRecords().filter(rejected(callingAet))[n];
}

describe('negotiation: registry — gateway and association-registry as separate processes over NATS and PostgreSQL', () => {
  let nats: NatsServerHandle;
  let gatewayDb: TestDatabase;
  let registryDb: TestDatabase;
  let gateway: GatewayHandle;
  let registry: RegistryHandle | undefined;
  const echo = (callingAet = 'JD-SCU') => echoscu({ port: gateway.dicomPort, callingAet, calledAet: 'ENS-SCP', extraArgs: ['-v'] });

  beforeAll(async () => {
    // A NATS server of our own: nobody else's registry may answer our negotiation requests.
    nats = await startNatsServer();
    gatewayDb = await createTestDatabase('gw');
    registryDb = await createTestDatabase('reg');
    gateway = await startGateway({ production, env: { NATS_URL: nats.url, DATABASE_URL: gatewayDb.url, LOG_LEVEL: 'debug' } });
  }, 90_000);

  afterAll(async () => {
    await gateway?.stop();
    await registry?.stop();
    await nats?.stop();
    await gatewayDb?.drop();
    await registryDb?.drop();
  });

  it('no registry on NATS: A-ASSOCIATE-RJ transient, service provider (presentation), temporary congestion; the gateway stays up', async () => {
    const started = Date.now();
    const result = await echo();
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/Rejected Transient/);
    expect(Date.now() - started).toBeLessThan(3_000); // no responders is known at once, no timeout needed
    expect(await nthRejection(gateway, 'JD-SCU', 0)).toMatchObject({ result: 2, source: 3, reason: 1, msg: expect.stringMatching(/registry unavailable/) });
    expect((await httpGet(`http://127.0.0.1:${gateway.httpPort}/health/live`)).status).toBe(200);
    expect(gateway.process.running).toBe(true);
  });

  it('a registry that does not answer in time: the same transient rejection after the timeout', async () => {
    const silent = await connect({ servers: nats.url, name: 'silent-registry' });
    let asked = 0;
    silent.subscribe(COMMAND_SUBJECTS.negotiateAssociation, { queue: NEGOTIATION_QUEUE_GROUP, callback: () => void asked++ });
    await silent.flush();
    try {
      const started = Date.now();
      const result = await echo();
      expect(result.stdout + result.stderr).toMatch(/Rejected Transient/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
      expect(asked).toBe(1);
      expect(await nthRejection(gateway, 'JD-SCU', 1)).toMatchObject({ result: 2, source: 3, reason: 1, msg: expect.stringMatching(/no answer within 3000 ms/) });
    } finally {
      await silent.close();
    }
    expect((await httpGet(`http://127.0.0.1:${gateway.httpPort}/health/live`)).status).toBe(200);
  });

  it('echoscu -aet JD-SCU -aec ENS-SCP succeeds once the association is created over REST, and is rejected (reason 3) once it is deleted', async () => {
    registry = await startRegistryProcess({ env: { NATS_URL: nats.url, DATABASE_URL: registryDb.url, API_TOKEN: TOKEN } });

    // Not defined yet: the registry itself answers, permanent, service user, calling AE title not recognised.
    expect((await echo()).code).not.toBe(0);
    expect(await nthRejection(gateway, 'JD-SCU', 2)).toMatchObject({ result: 1, source: 1, reason: 3 });

    const created = await registry.call('POST', '/api/v1/associations', TOKEN, jdScu);
    expect(created.status).toBe(201);
    await gateway.waitForLog((r) => r.msg === 'negotiation cache cleared' && String(r.why).includes('"change":"created"'));
    const ok = await echo();
    expect(ok.code).toBe(0);
    expect(ok.stdout + ok.stderr).toMatch(/Received Echo Response \(Success\)/);
    // The pattern ?1"B".E/JD-SCU: BRAVO is validated as JD-SCU, through the same association.
    expect((await echo('BRAVO')).code).toBe(0);
    await gateway.waitForLog((r) => r.msg === 'association accepted' && r.callingAet === 'BRAVO');

    expect((await registry.call('DELETE', `/api/v1/associations/${created.body.id}`, TOKEN)).status).toBe(204);
    await gateway.waitForLog((r) => r.msg === 'negotiation cache cleared' && String(r.why).includes('"change":"deleted"'));
    const after = await echo();
    expect(after.code).not.toBe(0);
    expect(after.stdout + after.stderr).toMatch(/Rejected Permanent[\s\S]*Calling AE Title Not Recognized/);
    expect(await nthRejection(gateway, 'JD-SCU', 3)).toMatchObject({ result: 1, source: 1, reason: 3 });
  });

  it('the registry stopping: transient rejections, and answers again once it is back', async () => {
    const running = registry;
    if (!running) throw new Error('the previous test left no registry running');
    const created = await running.call('POST', '/api/v1/associations', TOKEN, jdScu);
    expect(created.status).toBe(201);
    await running.stop();
    registry = undefined;
    // The cached answer may still serve; a new proposal (another calling AET) must ask the registry.
    const result = await echo('BETA');
    expect(result.stdout + result.stderr).toMatch(/Rejected Transient/);
    registry = await startRegistryProcess({ env: { NATS_URL: nats.url, DATABASE_URL: registryDb.url, API_TOKEN: TOKEN } });
    expect((await echo('BETA')).code).toBe(0);
  });
});

describe('negotiation: registry — a change notice missed while the gateway was cut off from NATS', () => {
  let nats: NatsServerHandle;
  let proxy: TcpProxy;
  let registryDb: TestDatabase;
  let registry: RegistryHandle;
  let gateway: GatewayHandle;

  beforeAll(async () => {
    nats = await startNatsServer();
    proxy = new TcpProxy(nats.port);
    await proxy.open();
    registryDb = await createTestDatabase('reg');
    registry = await startRegistryProcess({ env: { NATS_URL: nats.url, DATABASE_URL: registryDb.url, API_TOKEN: TOKEN } });
    // The gateway reaches NATS only through the proxy, so the test can cut it off alone.
    gateway = await startGateway({ production, env: { NATS_URL: `nats://127.0.0.1:${proxy.port}`, LOG_LEVEL: 'debug' } });
  }, 90_000);

  afterAll(async () => {
    await gateway?.stop();
    await registry?.stop();
    await proxy?.close();
    await nats?.stop();
    await registryDb?.drop();
  });

  it('drops its cached answers when the connection comes back', async () => {
    const created = await registry.call('POST', '/api/v1/associations', TOKEN, jdScu);
    expect(created.status).toBe(201);
    await gateway.waitForLog((r) => r.msg === 'negotiation cache cleared' && String(r.why).includes('"change":"created"'));
    expect((await echoscu({ port: gateway.dicomPort, callingAet: 'JD-SCU', calledAet: 'ENS-SCP' })).code).toBe(0);

    await proxy.close();
    await gateway.waitForLog((r) => String(r.msg).startsWith('negotiation: NATS disconnected'));
    // Deleted while the gateway cannot hear the notice.
    expect((await registry.call('DELETE', `/api/v1/associations/${created.body.id}`, TOKEN)).status).toBe(204);
    await proxy.open();
    await gateway.waitForLog((r) => r.msg === 'negotiation cache cleared' && String(r.why).includes('reconnected'), 20_000);

    const after = await echoscu({ port: gateway.dicomPort, callingAet: 'JD-SCU', calledAet: 'ENS-SCP', extraArgs: ['-v'] });
    expect(after.stdout + after.stderr).toMatch(/Rejected Permanent[\s\S]*Calling AE Title Not Recognized/);
  });
});

describe('negotiation: registry — the registry in the gateway process (embedded defaults, as `npm start`)', () => {
  let gateway: GatewayHandle;
  const api = (method: string, path: string, json?: unknown, token = TOKEN) => restCall(`http://127.0.0.1:${gateway.httpPort}`, method, path, token, json);

  beforeAll(async () => {
    gateway = await startGateway({ production, env: { API_TOKEN: TOKEN, LOG_LEVEL: 'debug' } });
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
  });

  it('serves the registry REST API on the gateway HTTP port, and negotiates through it in process', async () => {
    expect((await api('GET', '/api/v1/associations', undefined, 'wrong')).status).toBe(401);
    const rejectedFirst = await echoscu({ port: gateway.dicomPort, callingAet: 'JD-SCU', calledAet: 'ENS-SCP' });
    expect(rejectedFirst.code).not.toBe(0);

    const created = await api('POST', '/api/v1/associations', jdScu);
    expect(created.status).toBe(201);
    const ok = await echoscu({ port: gateway.dicomPort, callingAet: 'JD-SCU', calledAet: 'ENS-SCP', extraArgs: ['-v'] });
    expect(ok.code).toBe(0);
    expect(ok.stdout + ok.stderr).toMatch(/Received Echo Response \(Success\)/);

    expect((await api('DELETE', `/api/v1/associations/${created.body.id}`)).status).toBe(204);
    const after = await echoscu({ port: gateway.dicomPort, callingAet: 'JD-SCU', calledAet: 'ENS-SCP', extraArgs: ['-v'] });
    expect(after.stdout + after.stderr).toMatch(/Calling AE Title Not Recognized/);
    expect(gateway.logs().join('\n')).not.toMatch(/"level":50/);
  });
});

describe('the all-in-one start with a production.yaml association the registry refuses', () => {
  it('stops with exit code 2 and names the association, like any configuration mistake', async () => {
    const dir = tempDir('bad-association');
    const productionFile = path.join(dir, 'production.yaml');
    const listeners = production.listeners.map((l) => ({ ...l, port: 11112 }));
    fs.writeFileSync(productionFile, stringify({ listeners, associations: [{ ...jdScu, callingAet: 'JD!SCU' }] }));
    const result = await runCommand(process.execPath, [GATEWAY_MAIN], {
      name: 'gateway(bad association)',
      cwd: dir,
      env: { PRODUCTION_CONFIG: productionFile, DATA_DIR: path.join(dir, 'data'), DICOM_PORT: String(await getFreePort()), HTTP_PORT: String(await getFreePort()) },
      timeoutMs: 30_000,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/invalid configuration[\s\S]*associations\[0\]\.callingAet: "JD!SCU" is not accepted/);
  });
});
