/**
 * Asynchronous routing (docs/architecture.md §3 async-filer, §5 guarantees): an async listener answers each
 * C-STORE as soon as the instance is durable; async-filer queues it per filer (Queued or Ignored by
 * the filer's CEL condition) and, once the association is released, delivers each filer's queued
 * documents to its destination over one association. The gateway and async-filer run as separate
 * processes over a NATS server of the suite's own, S3 (s3rver) and PostgreSQL; DCMTK storescp and
 * Orthanc are the destinations.
 *
 * storescp runs with `-uf` (a unique file per received C-STORE), so a document received twice is
 * two files: that is how duplicates at a destination are counted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readFileMetaInformation } from '@dicom-router/dicom-data';
import { DicomClient, Status } from '@dicom-router/dicom-network';
import { startAsyncFiler, type AsyncFilerHandle } from '../support/async-filer';
import { startWebhookReceiver } from '../support/webhook';
import { startStorescp, storescu, type StorescpPeer } from '../support/dcmtk';
import { startGateway, type GatewayHandle } from '../support/gateway';
import { startNatsServer, type NatsServerHandle } from '../support/nats-server';
import { startOrthanc, type OrthancPeer } from '../support/orthanc';
import { syntheticInstance } from '../support/part10-files';
import { getFreePort } from '../support/ports';
import { spawnProcess, waitForPort, type ManagedProcess } from '../support/processes';
import { requireTool } from '../support/tools';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { s3Env, S3Server } from '../support/s3-server';
import { tempDir } from '../support/tmp';
import { connectNats } from '../support/jetstream-events';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';

const BUCKET = 'async-filer';
const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';
const TRANSFER_SYNTAXES = ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2'];

interface Doc {
  id: string;
  filer: string;
  sessionId: string;
  sopInstanceUid: string;
  status: 'Queued' | 'Ignored' | 'Delivered' | 'Errored';
  remark: string;
  attempts: number;
}

interface Instance {
  file: string;
  sopInstanceUid: string;
  modality: string;
}

function makeInstances(dir: string, modalities: readonly string[]): Instance[] {
  return modalities.map((modality, i) => {
    const instance = syntheticInstance({ modality, pixelBytes: 4 * 1024 });
    const file = path.join(dir, `${modality}-${i}-${instance.sopInstanceUid}.dcm`);
    fs.writeFileSync(file, instance.file);
    return { file, sopInstanceUid: instance.sopInstanceUid, modality };
  });
}

/** SOP Instance UIDs of every object storescp received, one entry per C-STORE (duplicates kept). */
function receivedUids(peer: StorescpPeer): string[] {
  return peer
    .receivedFiles()
    .filter((f) => !f.startsWith('.'))
    .map((f) => readFileMetaInformation(fs.readFileSync(path.join(peer.outputDir, f))).mediaStorageSopInstanceUid);
}

function countBy(values: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const v of values) out.set(v, (out.get(v) ?? 0) + 1);
  return out;
}

async function orthancHas(orthanc: OrthancPeer, sopInstanceUid: string): Promise<boolean> {
  const response = await fetch(`${orthanc.baseUrl}/tools/lookup`, { method: 'POST', body: sopInstanceUid });
  if (!response.ok) throw new Error(`Orthanc lookup: ${response.status}`);
  return ((await response.json()) as { Type: string }[]).some((f) => f.Type === 'Instance');
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

async function documents(filer: AsyncFilerHandle, query: string): Promise<Doc[]> {
  const response = await filer.api<Doc[]>('GET', `/api/v1/documents?limit=1000&${query}`);
  if (response.status !== 200) throw new Error(`GET documents: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/** storescu as the modality, one association for all files; -v shows one line per C-STORE-RSP. */
async function modalitySends(port: number, files: readonly string[]) {
  const started = Date.now();
  const result = await storescu({ port, callingAet: 'STORESCU', calledAet: 'ASYNC-ROUTER', files, noHalt: true, extraArgs: ['-v'] });
  const output = `${result.stdout}\n${result.stderr}`;
  return { code: result.code, successes: (output.match(/Received Store Response \(Success\)/g) ?? []).length, elapsedMs: Date.now() - started, output };
}

const destination = (name: string, port: number, calledAet: string, extra: Record<string, unknown> = {}) => ({
  name,
  host: '127.0.0.1',
  port,
  calledAet,
  callingAet: 'ASYNC-ROUTER',
  connectTimeoutSeconds: 2,
  dimseTimeoutSeconds: 20,
  maxAssociations: 1,
  idleTimeoutSeconds: 2,
  ...extra,
});

describe('async routing: gateway and async-filer over NATS, S3 and PostgreSQL', () => {
  const dir = tempDir('async-filer');
  let nats: NatsServerHandle;
  let s3: S3Server;
  let gatewayDb: TestDatabase;
  let filerDb: TestDatabase;
  let storescp: StorescpPeer;
  let slow: StorescpPeer;
  let forking: StorescpPeer;
  let orthanc: OrthancPeer;
  let flakyPort: number;
  let deadPort: number;
  let gateway: GatewayHandle;
  let filer: AsyncFilerHandle;
  let filerEnv: Record<string, string>;
  const extraPeers: StorescpPeer[] = [];
  // ALERT_WEBHOOK_URL receiver: the alerts POSTed to it.
  let webhook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  // SMTP_URL receiver: Python's standard-library SMTP server, printing every message it receives.
  let smtp: ManagedProcess;

  beforeAll(async () => {
    [nats, s3, gatewayDb, filerDb, storescp, slow, forking, orthanc, flakyPort, deadPort] = await Promise.all([
      startNatsServer(),
      S3Server.start([BUCKET]),
      createTestDatabase('gw'),
      createTestDatabase('filer'),
      startStorescp({ aet: 'STORE-SCP', extraArgs: ['-uf', '--accept-all'] }),
      // One second per C-STORE-RSP: a delivery in progress long enough to kill the filer in it.
      startStorescp({ aet: 'SLOW-SCP', extraArgs: ['-uf', '--accept-all', '--sleep-during', '1'] }),
      // One process per association: two replicas delivering at once are both served.
      startStorescp({ aet: 'FORK-SCP', extraArgs: ['-uf', '--accept-all', '--fork'] }),
      startOrthanc({ aet: 'ORTHANC' }),
      getFreePort(),
      getFreePort(),
    ]);
    const listener = (name: string, target: string[]) => ({ name, localAet: 'ASYNC-ROUTER', remoteAets: ['STORESCU'], mode: 'async', target });
    const filerOf = (name: string, condition: string, dest: string, extra: Record<string, unknown> = {}) => ({
      name,
      condition,
      destination: dest,
      retryCount: 5,
      backoffSeconds: 1,
      ...extra,
    });
    const production = {
      listeners: [
        listener('main', ['ct-to-orthanc', 'all-to-storescp']),
        listener('flaky', ['to-flaky']),
        listener('dead', ['to-dead']),
        listener('slow', ['to-slow']),
        listener('replicas', ['to-forking']),
        listener('cleanup', ['keep-entries', 'remove-entries']),
      ],
      destinations: [
        destination('orthanc', orthanc.dicomPort, 'ORTHANC', { maxAssociations: 2 }),
        destination('storescp', storescp.port, 'STORE-SCP'),
        destination('flaky', flakyPort, 'FLAKY-SCP'),
        destination('dead', deadPort, 'DEAD-SCP'),
        destination('slow', slow.port, 'SLOW-SCP'),
        destination('forking', forking.port, 'FORK-SCP', { maxAssociations: 2 }),
      ],
      filers: [
        filerOf('ct-to-orthanc', 'modality == "CT"', 'orthanc'),
        filerOf('all-to-storescp', 'true', 'storescp'),
        // Retries at 1, 2, 4, 8, 16 s: the destination comes back during them.
        filerOf('to-flaky', 'true', 'flaky', { retryCount: 8 }),
        // Three attempts (1 + 2 retries, 1 s then 2 s apart), then the session is requeued.
        filerOf('to-dead', 'true', 'dead', { retryCount: 2 }),
        filerOf('to-slow', 'true', 'slow'),
        filerOf('to-forking', 'true', 'forking'),
        filerOf('keep-entries', 'true', 'storescp', { removeCompletedEntries: false }),
        filerOf('remove-entries', 'true', 'forking', { removeCompletedEntries: true }),
      ],
      associations: [
        {
          name: 'modality',
          callingAet: 'STORESCU',
          calledAet: 'ASYNC-ROUTER',
          presentationContexts: [{ abstractSyntax: SECONDARY_CAPTURE, transferSyntaxes: TRANSFER_SYNTAXES }],
        },
      ],
    };
    const shared = {
      ...s3Env(s3.endpoint, `s3://${BUCKET}/objects`),
      NATS_URL: nats.url,
    };
    gateway = await startGateway({ production, env: { ...shared, DATABASE_URL: gatewayDb.url } });
    webhook = await startWebhookReceiver();
    const smtpPort = await getFreePort();
    smtp = spawnProcess(requireTool('python3'), ['-u', '-W', 'ignore', '-m', 'smtpd', '-n', '-c', 'DebuggingServer', `127.0.0.1:${smtpPort}`], { name: `smtpd(${smtpPort})` });
    await waitForPort(smtpPort, { process: smtp, timeoutMs: 10_000 });
    filerEnv = {
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      ALERT_EMAIL_FROM: 'dicom-router@example.org',
      ALERT_EMAIL_TO: 'pacs-admin@example.org',
      ALERT_WEBHOOK_URL: webhook.url,
      ...shared,
      DATABASE_URL: filerDb.url,
      PRODUCTION_CONFIG: path.join(gateway.dir, 'production.yaml'),
      DATA_DIR: path.join(dir, 'filer-data'),
      ASYNC_FILER_LEASE_SECONDS: '4',
      ASYNC_FILER_POLL_MS: '200',
      ASYNC_FILER_CONCURRENCY: '2',
    };
    filer = await startAsyncFiler(filerEnv);
  }, 120_000);

  afterAll(async () => {
    // ASYNC_FILER_TEST_LOG=<file>: keep the filer's and the gateway's logs for a look after the run.
    if (process.env['ASYNC_FILER_TEST_LOG']) fs.writeFileSync(process.env['ASYNC_FILER_TEST_LOG'], `${filer?.process.output()}\n---- gateway\n${gateway?.logs().join('\n')}`);
    await filer?.stop();
    await gateway?.stop();
    await Promise.all([storescp?.stop(), slow?.stop(), forking?.stop(), orthanc?.stop(), ...extraPeers.map((p) => p.stop())]);
    webhook?.close();
    await smtp?.stop();
    await Promise.all([s3?.stop(), nats?.stop(), gatewayDb?.drop(), filerDb?.drop()]);
  });

  it('answers 100 C-STOREs at once, then after the release delivers the CTs to Orthanc and everything to storescp', async () => {
    const modalities = Array.from({ length: 100 }, (_, i) => (i % 4 === 0 ? 'CT' : i % 4 === 1 ? 'MR' : i % 4 === 2 ? 'CT' : 'US'));
    const instances = makeInstances(dir, modalities);
    const cts = instances.filter((i) => i.modality === 'CT');
    const before = receivedUids(storescp).length;
    const sent = await modalitySends(gateway.listenerPorts['main'], instances.map((i) => i.file));
    expect({ code: sent.code, successes: sent.successes }).toEqual({ code: 0, successes: 100 });

    const toStorescp = await waitFor(
      'all-to-storescp delivered',
      async () => {
        const docs = await documents(filer, 'filer=all-to-storescp&status=Delivered');
        return docs.filter((d) => instances.some((i) => i.sopInstanceUid === d.sopInstanceUid)).length === 100 && docs;
      },
      60_000,
    );
    const toOrthanc = await waitFor(
      'ct-to-orthanc settled',
      async () => {
        const docs = (await documents(filer, 'filer=ct-to-orthanc')).filter((d) => instances.some((i) => i.sopInstanceUid === d.sopInstanceUid));
        return docs.length === 100 && docs.every((d) => d.status !== 'Queued') && docs;
      },
      60_000,
    );
    // Exactly as the rules say: CT → Delivered for ct-to-orthanc, the rest Ignored; everything Delivered for all-to-storescp.
    const ctUids = new Set(cts.map((i) => i.sopInstanceUid));
    for (const d of toOrthanc) expect({ uid: d.sopInstanceUid, status: d.status }).toEqual({ uid: d.sopInstanceUid, status: ctUids.has(d.sopInstanceUid) ? 'Delivered' : 'Ignored' });
    expect(toOrthanc.filter((d) => d.status === 'Delivered')).toHaveLength(50);
    expect(new Set(toStorescp.map((d) => d.sessionId)).size).toBe(1);
    expect(toStorescp.every((d) => d.attempts === 1 && d.remark === '')).toBe(true);
    // The destinations hold them: Orthanc every CT and nothing else of this run; storescp each instance once.
    for (const i of instances) expect({ uid: i.sopInstanceUid, inOrthanc: await orthancHas(orthanc, i.sopInstanceUid) }).toEqual({ uid: i.sopInstanceUid, inOrthanc: i.modality === 'CT' });
    const received = countBy(receivedUids(storescp).slice(0));
    expect(receivedUids(storescp).length - before).toBe(100);
    for (const i of instances) expect(received.get(i.sopInstanceUid)).toBe(1);
    // Counts per status over REST and the queue depth metric agree.
    const counts = await filer.api<Record<string, Record<string, number>>>('GET', '/api/v1/documents/counts?filer=ct-to-orthanc');
    expect(counts.body['ct-to-orthanc']).toMatchObject({ Delivered: 50, Ignored: 50, Queued: 0, Errored: 0 });
    const metrics = await (await fetch(`http://127.0.0.1:${filer.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/dicom_filer_documents\{filer="ct-to-orthanc",status="Ignored"\} 50/);
    expect(metrics).toMatch(/dicom_filer_delivery_duration_seconds_count\{filer="all-to-storescp"\} \d+/);
  }, 180_000);

  it('keeps retrying while the destination is down and delivers everything once it is back, each document once', async () => {
    const instances = makeInstances(dir, Array(10).fill('CT'));
    const sent = await modalitySends(gateway.listenerPorts['flaky'], instances.map((i) => i.file));
    expect(sent.successes).toBe(10);
    // Nothing listens on the port yet: attempts fail and are scheduled again.
    await waitFor('two failed attempts', async () => filer.logRecords().filter((r) => r['msg'] === 'session delivery failed; will retry' && r['filer'] === 'to-flaky').length >= 2, 30_000);
    const queued = await documents(filer, 'filer=to-flaky&status=Queued');
    expect(queued).toHaveLength(10);
    expect(queued[0].remark).toMatch(/^attempt \d+ failed \(unreachable\)/);
    const back = await startStorescp({ aet: 'FLAKY-SCP', port: flakyPort, extraArgs: ['-uf', '--accept-all'] });
    extraPeers.push(back);
    const delivered = await waitFor('to-flaky delivered', async () => {
      const docs = await documents(filer, 'filer=to-flaky');
      return docs.length === 10 && docs.every((d) => d.status === 'Delivered') && docs;
    }, 60_000);
    // Each document was tried on every attempt of its session: the failed ones plus the last.
    const failures = filer.logRecords().filter((r) => r['msg'] === 'session delivery failed; will retry' && r['filer'] === 'to-flaky').length;
    expect(delivered[0].attempts).toBe(failures + 1);
    // The connection never opened while it was down, so nothing could arrive twice.
    const received = countBy(receivedUids(back));
    expect(received.size).toBe(10);
    for (const i of instances) expect(received.get(i.sopInstanceUid)).toBe(1);
  }, 120_000);

  it('requeues a session whose destination never comes back with exactly one alert, and a REST requeue delivers it later', async () => {
    const nc = await connectNats(nats.url);
    const jsm = await jetstreamManager(nc);
    const consumer = `alerts-${Date.now()}`;
    await jsm.consumers.add('DICOM_EVENTS', { durable_name: consumer, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New, filter_subject: 'dicom.events.alert.v1' });
    try {
      const instances = makeInstances(dir, Array(5).fill('MR'));
      expect((await modalitySends(gateway.listenerPorts['dead'], instances.map((i) => i.file))).successes).toBe(5);
      await waitFor('retries exhausted', async () => filer.logRecords().some((r) => r['msg'] === 'retries exhausted: session requeued, alert raised' && r['filer'] === 'to-dead'), 30_000);
      // Parked: nothing more is tried, however long we wait.
      await new Promise((r) => setTimeout(r, 3000));
      const docs = await documents(filer, 'filer=to-dead');
      expect(docs.map((d) => [d.status, d.attempts])).toEqual(Array(5).fill(['Queued', 3]));
      expect(docs[0].remark).toMatch(/^requeued: retries exhausted after 3 attempts \(unreachable\)/);
      const messages = await (await jetstream(nc).consumers.get('DICOM_EVENTS', consumer)).fetch({ max_messages: 10, expires: 3000 });
      const alerts: { data: Record<string, unknown> }[] = [];
      for await (const m of messages) {
        alerts.push(m.json());
        m.ack();
      }
      expect(alerts).toHaveLength(1);
      expect(alerts[0].data).toMatchObject({ severity: 'error', kind: 'retries-exhausted', details: { filer: 'to-dead', destination: 'dead', sessionId: docs[0].sessionId, attempts: 3 } });
      // The same alert went to the webhook, once.
      expect(webhook.alerts.filter((a) => (a.data['details'] as Record<string, unknown>)['filer'] === 'to-dead')).toHaveLength(1);
      expect(webhook.alerts[0]).toMatchObject({ type: 'dicom.alert.v1', data: { kind: 'retries-exhausted' } });
      // And by e-mail, once.
      await waitFor('alert e-mail', async () => smtp.stdout().includes('MESSAGE FOLLOWS'), 10_000);
      expect(smtp.stdout().match(/MESSAGE FOLLOWS/g)).toHaveLength(1);
      expect(smtp.stdout()).toMatch(/Subject: \[DICOM Router\] filer to-dead/);
      expect(smtp.stdout()).toContain('To: pacs-admin@example.org');

      // The destination is back; an operator requeues the filer's documents.
      const back = await startStorescp({ aet: 'DEAD-SCP', port: deadPort, extraArgs: ['-uf', '--accept-all'] });
      extraPeers.push(back);
      expect(await filer.api('POST', '/api/v1/documents/requeue', { filer: 'to-dead' })).toEqual({ status: 200, body: { requeued: 5 } });
      await waitFor('to-dead delivered', async () => (await documents(filer, 'filer=to-dead')).every((d) => d.status === 'Delivered'), 30_000);
      expect(countBy(receivedUids(back)).size).toBe(5);
      // A bad filter is refused, naming the problem; nothing changes.
      const bad = await filer.api<{ problems: unknown[] }>('POST', '/api/v1/documents/requeue', { filer: 'nope', since: 'yesterday' });
      expect(bad.status).toBe(400);
      expect(bad.body.problems).toEqual([
        { field: 'filer', message: 'no filer is named "nope"' },
        { field: 'since', message: 'an ISO 8601 date-time (got "yesterday")' },
      ]);
      expect((await filer.api('GET', '/api/v1/documents?status=Lost')).status).toBe(400);
      expect((await filer.api('POST', '/api/v1/documents/999999999/requeue')).status).toBe(404);
      expect((await filer.api('GET', '/api/v1/documents/not-a-number')).status).toBe(404);
      expect(await filer.api('GET', `/api/v1/documents/${docs[0].id}`)).toMatchObject({ status: 200, body: { id: docs[0].id, status: 'Delivered', filer: 'to-dead' } });
      expect((await fetch(`http://127.0.0.1:${filer.httpPort}/api/v1/documents`)).status).toBe(401);
    } finally {
      await jsm.consumers.delete('DICOM_EVENTS', consumer).catch(() => undefined);
      await nc.close();
    }
  }, 120_000);

  it('resumes a delivery cut short by SIGKILL after a restart: every document ends Delivered', async () => {
    const instances = makeInstances(dir, Array(8).fill('CT'));
    expect((await modalitySends(gateway.listenerPorts['slow'], instances.map((i) => i.file))).successes).toBe(8);
    // storescp holds each C-STORE-RSP back: kill the filer once a few are through.
    await waitFor('2 delivered', async () => (await documents(filer, 'filer=to-slow&status=Delivered')).length >= 2, 40_000);
    await filer.kill();
    const deliveredBeforeKill = receivedUids(slow).length;
    expect(deliveredBeforeKill).toBeLessThan(8);
    filer = await startAsyncFiler(filerEnv);
    const docs = await waitFor('to-slow delivered', async () => {
      const all = await documents(filer, 'filer=to-slow');
      return all.length === 8 && all.every((d) => d.status === 'Delivered') && all;
    }, 60_000);
    expect(docs).toHaveLength(8);
    // At-least-once: the C-STORE in flight at the kill may arrive twice, nothing else.
    const received = countBy(receivedUids(slow));
    for (const i of instances) expect(received.get(i.sopInstanceUid)).toBeGreaterThanOrEqual(1);
    expect([...received.values()].filter((n) => n > 1).length).toBeLessThanOrEqual(1);
  }, 120_000);

  it('lets two replicas share the queue without sending any document twice', async () => {
    const second = await startAsyncFiler(filerEnv);
    try {
      // Six sessions in parallel, released together, 10 instances each.
      const sessions = Array.from({ length: 6 }, () => makeInstances(dir, Array(10).fill('CT')));
      const results = await Promise.all(sessions.map((s) => modalitySends(gateway.listenerPorts['replicas'], s.map((i) => i.file))));
      expect(results.map((r) => r.successes)).toEqual(Array(6).fill(10));
      await waitFor('to-forking delivered', async () => {
        const all = await documents(filer, 'filer=to-forking');
        return all.length === 60 && all.every((d) => d.status === 'Delivered');
      }, 90_000);
      const received = countBy(receivedUids(forking));
      expect(received.size).toBe(60);
      expect([...received.values()].every((n) => n === 1)).toBe(true);
      // Both replicas took part (each logs what it delivered per session). A release handled by one
      // replica while the other still queues that session's last stored events makes the session go
      // in two parts; every document is still sent once.
      const logged = (f: AsyncFilerHandle) => f.logRecords().filter((r) => r['msg'] === 'session delivered' && r['filer'] === 'to-forking');
      const all = [...logged(filer), ...logged(second)];
      expect(all.reduce((sum, r) => sum + (r['delivered'] as number), 0)).toBe(60);
      expect(new Set(all.map((r) => r['sessionId'])).size).toBe(6);
      expect(logged(second).length).toBeGreaterThan(0);
    } finally {
      await second.stop();
    }
  }, 180_000);

  it('removes the entries of a completed session only for a filer that asks for it', async () => {
    const instances = makeInstances(dir, Array(5).fill('CT'));
    expect((await modalitySends(gateway.listenerPorts['cleanup'], instances.map((i) => i.file))).successes).toBe(5);
    const uids = new Set(instances.map((i) => i.sopInstanceUid));
    await waitFor('keep-entries delivered', async () => {
      const kept = (await documents(filer, 'filer=keep-entries')).filter((d) => uids.has(d.sopInstanceUid));
      return kept.length === 5 && kept.every((d) => d.status === 'Delivered');
    }, 30_000);
    await waitFor('remove-entries delivered', async () => countBy(receivedUids(forking)).size === 65 && true, 30_000);
    await waitFor('remove-entries emptied', async () => (await documents(filer, 'filer=remove-entries')).length === 0, 10_000);
    const logged = filer.logRecords().find((r) => r['msg'] === 'session delivered' && r['filer'] === 'remove-entries');
    expect(logged).toMatchObject({ delivered: 5, outcome: 'removed' });
    // Purge: finished entries of one filer on request; nothing else is touched.
    expect(await filer.api('DELETE', '/api/v1/documents?filer=keep-entries&status=Delivered')).toEqual({ status: 200, body: { purged: 5 } });
    expect(await documents(filer, 'filer=keep-entries')).toEqual([]);
    expect((await documents(filer, 'filer=all-to-storescp')).length).toBe(100);
  }, 60_000);
});

describe('async routing in the all-in-one process (embedded defaults)', () => {
  const dir = tempDir('async-filer-embedded');
  const token = 'embedded-filer-token';
  let storescp: StorescpPeer;
  let gateway: GatewayHandle | undefined;
  let production: object;
  const env = { DATA_DIR: path.join(dir, 'data'), API_TOKEN: token };

  const api = async <T>(method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const response = await fetch(`http://127.0.0.1:${running().httpPort}${urlPath}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const running = (): GatewayHandle => {
    if (!gateway) throw new Error('the gateway is not running');
    return gateway;
  };
  const docsOf = async (filerName: string) => (await api<Doc[]>('GET', `/api/v1/documents?filer=${filerName}&limit=1000`)).body;

  beforeAll(async () => {
    storescp = await startStorescp({ aet: 'STORE-SCP', extraArgs: ['-uf', '--accept-all'] });
    const dicomPort = await getFreePort();
    production = {
      listeners: [{ name: 'main', port: dicomPort, localAet: 'ASYNC-ROUTER', remoteAets: ['STORESCU'], mode: 'async', target: ['ct-only', 'everything'] }],
      destinations: [destination('storescp', storescp.port, 'STORE-SCP')],
      filers: [
        { name: 'ct-only', condition: 'modality == "CT"', destination: 'storescp', retryCount: 2, backoffSeconds: 1 },
        { name: 'everything', destination: 'storescp', retryCount: 2, backoffSeconds: 1, removeCompletedEntries: true },
      ],
      associations: [
        {
          name: 'modality',
          callingAet: 'STORESCU',
          calledAet: 'ASYNC-ROUTER',
          presentationContexts: [{ abstractSyntax: SECONDARY_CAPTURE, transferSyntaxes: TRANSFER_SYNTAXES }],
        },
      ],
    };
    gateway = await startGateway({ production, env });
  }, 60_000);

  afterAll(async () => {
    if (process.env['ASYNC_FILER_TEST_LOG']) fs.writeFileSync(`${process.env['ASYNC_FILER_TEST_LOG']}.embedded`, gateway?.process.output() ?? '');
    await gateway?.stop();
    await storescp?.stop();
  });

  it('queues, delivers and cleans up in process; paused work survives a restart of the process', async () => {
    const instances = makeInstances(dir, ['CT', 'MR', 'CT', 'US']);
    expect((await modalitySends(running().listenerPorts['main'], instances.map((i) => i.file))).successes).toBe(4);
    const ctOnly = await waitFor('ct-only settled', async () => {
      const docs = await docsOf('ct-only');
      return docs.length === 4 && docs.every((d) => d.status !== 'Queued') && docs;
    }, 30_000);
    expect(ctOnly.map((d) => d.status).sort()).toEqual(['Delivered', 'Delivered', 'Ignored', 'Ignored']);
    // The hosted filer's metrics are on the process's one /metrics, beside the gateway's.
    const metrics = await (await fetch(`http://127.0.0.1:${running().httpPort}/metrics`)).text();
    expect(metrics).toMatch(/dicom_filer_documents\{filer="ct-only",status="Delivered"\} 2/);
    expect(metrics).toMatch(/dicom_filer_deliveries_total\{filer="ct-only",outcome="delivered"\} 2/);
    expect(metrics).toMatch(/dicom_associations_total\{listener="main",outcome="accepted"\} \d+/);
    expect(metrics.match(/^process_cpu_user_seconds_total /gm)).toHaveLength(1);
    // removeCompletedEntries: the session's rows of "everything" are gone once all were delivered.
    // Both filers send to storescp: idempotent by (SOP instance, destination, checksum), so a CT
    // delivered by one is not sent again by the other.
    await waitFor('everything removed', async () => (await docsOf('everything')).length === 0, 30_000);
    expect(countBy(receivedUids(storescp))).toEqual(new Map(instances.map((i) => [i.sopInstanceUid, 1])));

    // Paused: documents are queued but not sent; they survive a restart and go once resumed.
    expect((await api('POST', '/api/v1/filers/everything/pause')).status).toBe(200);
    const more = makeInstances(dir, ['MR', 'MR']);
    expect((await modalitySends(running().listenerPorts['main'], more.map((i) => i.file))).successes).toBe(2);
    await waitFor('queued while paused', async () => (await docsOf('everything')).filter((d) => d.status === 'Queued').length === 2, 20_000);
    await running().stop();
    gateway = await startGateway({ production, env });
    await new Promise((r) => setTimeout(r, 1500));
    expect((await docsOf('everything')).map((d) => d.status)).toEqual(['Queued', 'Queued']);
    expect((await api('POST', '/api/v1/filers/everything/resume')).status).toBe(200);
    await waitFor('delivered after resume', async () => (await docsOf('everything')).length === 0 && receivedUids(storescp).length === 6, 30_000);
    expect(countBy(receivedUids(storescp))).toEqual(new Map([...instances, ...more].map((i) => [i.sopInstanceUid, 1])));
  }, 120_000);

  // docs/architecture.md §5: Success is a promise. On the in-process bus nothing is kept across a restart, so
  // whatever holds the event (the filer's queue rows, or an outbox row) must be committed before the
  // response leaves; a kill the moment it arrives shows it.
  it('loses no instance answered Success when the process is killed the moment the response arrives', async () => {
    const instances = ['CT', 'CT', 'CT'].map((modality) => syntheticInstance({ modality, pixelBytes: 4 * 1024 }));
    const association = await DicomClient.connect({
      host: '127.0.0.1',
      port: running().listenerPorts['main'],
      connectTimeoutMs: 3000,
      callingAet: 'STORESCU',
      calledAet: 'ASYNC-ROUTER',
      implementation: { classUid: '2.25.100030543585475866236183110513822956206', versionName: 'KILL_TEST' },
      presentationContexts: [{ abstractSyntax: SECONDARY_CAPTURE, transferSyntaxes: TRANSFER_SYNTAXES }],
    });
    const statuses: number[] = [];
    try {
      for (const instance of instances) {
        const { status } = await association.store(instance);
        statuses.push(status);
      }
      process.kill(running().pid, 'SIGKILL');
    } finally {
      association.abort();
    }
    expect(statuses).toEqual([Status.Success, Status.Success, Status.Success]);
    expect((await running().process.stop()).signal).toBe('SIGKILL');
    gateway = await startGateway({ production, env });
    const docs = await waitFor('queued after the restart', async () => {
      const all = (await docsOf('ct-only')).filter((d) => instances.some((i) => i.sopInstanceUid === d.sopInstanceUid));
      return all.length === instances.length && all;
    }, 30_000);
    expect(docs.map((d) => d.sopInstanceUid).sort()).toEqual(instances.map((i) => i.sopInstanceUid).sort());
  }, 90_000);
});

describe('the all-in-one process after a crash', () => {
  const dir = tempDir('async-filer-crash');
  const token = 'crash-filer-token';
  let webhook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let storescp: StorescpPeer;
  let gateway: GatewayHandle | undefined;
  let production: object;
  let env: Record<string, string>;

  beforeAll(async () => {
    storescp = await startStorescp({ aet: 'STORE-SCP', extraArgs: ['-uf', '--accept-all'] });
    webhook = await startWebhookReceiver();
    production = {
      listeners: [{ name: 'main', port: await getFreePort(), localAet: 'ASYNC-ROUTER', remoteAets: ['STORESCU'], mode: 'async', target: ['to-storescp', 'to-nowhere'] }],
      destinations: [destination('storescp', storescp.port, 'STORE-SCP'), destination('nowhere', await getFreePort(), 'NOWHERE', { connectTimeoutSeconds: 1 })],
      filers: [
        { name: 'to-storescp', destination: 'storescp', retryCount: 2, backoffSeconds: 1 },
        { name: 'to-nowhere', destination: 'nowhere', retryCount: 1, backoffSeconds: 1 },
      ],
      associations: [
        { name: 'modality', callingAet: 'STORESCU', calledAet: 'ASYNC-ROUTER', presentationContexts: [{ abstractSyntax: SECONDARY_CAPTURE, transferSyntaxes: TRANSFER_SYNTAXES }] },
      ],
    };
    env = {
      DATA_DIR: path.join(dir, 'data'),
      API_TOKEN: token,
      // Far beyond the test: only the restart itself may end the session.
      ASYNC_FILER_SESSION_IDLE_SECONDS: '600',
      ALERT_WEBHOOK_URL: webhook.url,
    };
    gateway = await startGateway({ production, env });
  }, 60_000);

  afterAll(async () => {
    if (process.env['ASYNC_FILER_TEST_LOG']) fs.writeFileSync(`${process.env['ASYNC_FILER_TEST_LOG']}.crash`, gateway?.process.output() ?? '');
    await gateway?.stop();
    await storescp?.stop();
    webhook?.close();
  });

  it('delivers every acknowledged instance of an association cut by SIGKILL right after the restart, and alerts through the webhook', async () => {
    const running = gateway as GatewayHandle;
    // The hosted filer reads the same settings as async-filer alone.
    expect(await running.waitForLog((r) => r['msg'] === 'async-filer consuming events and delivering queued documents', 10_000)).toMatchObject({
      sessionIdleSeconds: 600,
      alerts: ['webhook'],
    });
    const instances = ['CT', 'MR', 'CT', 'US', 'CT'].map((modality) => syntheticInstance({ modality, pixelBytes: 4 * 1024 }));
    const association = await DicomClient.connect({
      host: '127.0.0.1',
      port: running.listenerPorts['main'],
      connectTimeoutMs: 3000,
      callingAet: 'STORESCU',
      calledAet: 'ASYNC-ROUTER',
      implementation: { classUid: '2.25.100030543585475866236183110513822956206', versionName: 'CRASH_TEST' },
      presentationContexts: [{ abstractSyntax: SECONDARY_CAPTURE, transferSyntaxes: TRANSFER_SYNTAXES }],
    });
    const statuses: number[] = [];
    try {
      for (const instance of instances) statuses.push((await association.store(instance)).status);
      // Mid-association: no A-RELEASE, no A-ABORT ever reaches the filer.
      process.kill(running.pid, 'SIGKILL');
    } finally {
      association.abort();
    }
    expect(statuses).toEqual(instances.map(() => Status.Success));
    expect((await running.process.stop()).signal).toBe('SIGKILL');
    expect(receivedUids(storescp)).toEqual([]);

    const restartedAt = Date.now();
    gateway = await startGateway({ production, env });
    await waitFor('every acknowledged instance at storescp', async () => instances.every((i) => receivedUids(storescp).includes(i.sopInstanceUid)), 110_000);
    const deliveredMs = Date.now() - restartedAt;
    process.stdout.write(`all-in-one after SIGKILL: ${instances.length} acknowledged instances delivered ${deliveredMs} ms after the restart began (idle timeout 600 s)\n`);
    expect(deliveredMs).toBeLessThan(60_000);
    expect(countBy(receivedUids(storescp))).toEqual(new Map(instances.map((i) => [i.sopInstanceUid, 1])));
    expect(gateway.logRecords().some((r) => r['msg'] === 'sessions left open by the previous process ended: their documents are delivered now' && r['sessions'] === 1)).toBe(true);

    // The session's copy for a destination that never answers runs out of retries: the alert reaches the webhook.
    const alert = await waitFor('alert at the webhook', async () => webhook.alerts.find((a) => (a.data['details'] as Record<string, unknown> | undefined)?.['filer'] === 'to-nowhere'), 60_000);
    expect(alert).toMatchObject({ type: 'dicom.alert.v1', data: { kind: 'retries-exhausted' } });
  }, 240_000);
});
