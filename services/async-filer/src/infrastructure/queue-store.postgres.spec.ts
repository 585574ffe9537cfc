import type { InstanceStoredV1 } from '@dicom-router/contracts';
import { openDatabase, type Database } from '@dicom-router/persistence';
import { createTestDatabase, type TestDatabase } from '@dicom-router/persistence/testing';
import { FILER_ENTITIES, FILER_MIGRATIONS } from '../schema';
import { QueueStore, type ClaimedBatch } from './queue-store';

/** The queue against the machine's PostgreSQL: claims, leases, retries, parking, requeue, cleanup. */
let pg: TestDatabase;
let database: Database;
let store: QueueStore;

beforeAll(async () => {
  pg = await createTestDatabase('filer');
  database = await openDatabase({ url: pg.url, dataDir: '/nonexistent', entities: FILER_ENTITIES, migrations: FILER_MIGRATIONS });
  store = new QueueStore(database);
});

afterAll(async () => {
  await database?.close();
  await pg?.drop();
});

let counter = 0;
function stored(sessionId: string): InstanceStoredV1 {
  counter++;
  return {
    associationId: sessionId,
    listener: 'in',
    callingAet: 'CT01',
    calledAet: 'ROUTER',
    source: 'association',
    storage: { location: 'file', key: `k/${counter}.dcm`, size: 1, sha256: counter.toString(16).padStart(64, '0') },
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    sopClassUid: '1.2.840.10008.5.1.4.1.1.7',
    sopInstanceUid: `1.2.3.${counter}`,
    studyInstanceUid: '1.2.3',
    seriesInstanceUid: '1.2.4',
    attributes: {},
  };
}

/** A claim that must succeed. */
async function claimed(owner: string, filer: string, leaseMs = 10_000, idleMs = 3_600_000): Promise<ClaimedBatch> {
  const batch = await store.claim(owner, [filer], leaseMs, idleMs);
  if (!batch) throw new Error(`nothing to claim for ${filer}`);
  return batch;
}

const queued = (filer: string) => [{ filer, destination: 'pacs', status: 'Queued' as const, remark: '' }];

describe('QueueStore on PostgreSQL', () => {
  it('ends every session still open when the associations died with their process, and no other', async () => {
    await store.enqueue(stored('gone-1'), 'gone-1', queued('f-gone'), null);
    await store.enqueue(stored('gone-2'), 'gone-2', queued('f-gone'), null);
    await store.enqueue(stored('done-1'), 'done-1', queued('f-gone'), null);
    await store.sessionEnded('done-1', 'released');
    expect(await store.endOpenSessions('aborted')).toBeGreaterThanOrEqual(2);
    const sessions = (await database.run((m) => m.query(`SELECT session_id, ended FROM filer_session WHERE session_id LIKE 'gone-%' OR session_id = 'done-1' ORDER BY session_id`))) as unknown[];
    expect(sessions).toEqual([
      { session_id: 'done-1', ended: 'released' },
      { session_id: 'gone-1', ended: 'aborted' },
      { session_id: 'gone-2', ended: 'aborted' },
    ]);
    const due = new Set<string>();
    for (let batch = await store.claim('a', ['f-gone'], 10_000, 3_600_000); batch; batch = await store.claim('a', ['f-gone'], 10_000, 3_600_000)) due.add(batch.sessionId);
    expect(due).toEqual(new Set(['gone-1', 'gone-2', 'done-1']));
    expect(await store.endOpenSessions('aborted')).toBe(0);
  });

  it('ends the session with the instance when told it is gone', async () => {
    await store.enqueue(stored('late'), 'late', queued('f-late'), 'aborted');
    expect(await store.claim('a', ['f-late'], 10_000, 3_600_000)).toEqual({ filer: 'f-late', sessionId: 'late', retries: 0 });
  });

  it('writes a redelivered stored event once and makes the batch due only after the session ended', async () => {
    const event = stored('s1');
    expect(await store.enqueue(event, 's1', queued('f1'), null)).toBe(1);
    expect(await store.enqueue(event, 's1', queued('f1'), null)).toBe(0);
    expect(await store.claim('a', ['f1'], 10_000, 3_600_000)).toBeNull();
    await store.sessionEnded('s1', 'released');
    expect(await store.claim('a', ['f1'], 10_000, 3_600_000)).toEqual({ filer: 'f1', sessionId: 's1', retries: 0 });
  });

  it('writes every filer’s document of one event at once, and a file intake’s session is due at once', async () => {
    const event = stored('intake:e1');
    const documents = [...queued('f9'), { filer: 'f9-ignored', destination: 'pacs', status: 'Ignored' as const, remark: 'condition false' }];
    expect(await store.enqueue(event, 'intake:e1', documents, 'released')).toBe(2);
    expect(await store.enqueue(event, 'intake:e1', documents, 'released')).toBe(0);
    expect(await store.claim('a', ['f9'], 10_000, 3_600_000)).toEqual({ filer: 'f9', sessionId: 'intake:e1', retries: 0 });
    expect(await store.claim('a', ['f9-ignored'], 10_000, 3_600_000)).toEqual({ filer: 'f9-ignored', sessionId: 'intake:e1', retries: 0 });
    const rows = await database.run((m) => m.query(`SELECT filer, status, remark, calling_aet FROM filer_document WHERE session_id = 'intake:e1' ORDER BY filer`));
    expect(rows).toEqual([
      { filer: 'f9', status: 'Queued', remark: '', calling_aet: 'CT01' },
      { filer: 'f9-ignored', status: 'Ignored', remark: 'condition false', calling_aet: 'CT01' },
    ]);
  });

  it('never gives one batch to two owners while the lease holds, and gives it to another once it expired', async () => {
    await store.enqueue(stored('s2'), 's2', queued('f2'), null);
    await store.sessionEnded('s2', 'released');
    const [first, second] = await Promise.all([store.claim('a', ['f2'], 1_000, 3_600_000), store.claim('b', ['f2'], 1_000, 3_600_000)]);
    expect([first, second].filter((c) => c !== null)).toHaveLength(1);
    const holder = first ? 'a' : 'b';
    const other = first ? 'b' : 'a';
    expect(await store.claim(other, ['f2'], 1_000, 3_600_000)).toBeNull();
    // The holder dies without a word: its lease runs out and the other owner takes over.
    await new Promise((r) => setTimeout(r, 1_200));
    const batch = await claimed(other, 'f2');
    expect(batch).toMatchObject({ filer: 'f2', sessionId: 's2' });
    expect(await store.renew(holder, batch, 10_000)).toBe(false);
    expect(await store.renew(other, batch, 10_000)).toBe(true);
  });

  it('counts attempts per session attempt, retries later, parks with one alert and requeues on request', async () => {
    await store.enqueue(stored('s3'), 's3', queued('f3'), null);
    await store.enqueue(stored('s3'), 's3', queued('f3'), null);
    await store.sessionEnded('s3', 'released');
    let batch = await claimed('a', 'f3');
    expect((await store.startAttempt(batch)).map((d) => d.attempts)).toEqual([1, 1]);
    await store.retryLater('a', batch, 0, 'attempt 1 failed');
    batch = await claimed('a', 'f3');
    expect(batch.retries).toBe(1);
    expect((await store.startAttempt(batch)).map((d) => d.attempts)).toEqual([2, 2]);
    const alert = { specversion: '1.0' as const, id: 'b6f1c1a2-0000-4000-8000-000000000001', source: '/dicom-router/async-filer', type: 'dicom.alert.v1', datacontenttype: 'application/json', data: {} };
    expect(await store.park('a', batch, 'requeued: retries exhausted', alert)).toBe(true);
    expect(await store.park('a', batch, 'requeued: retries exhausted', alert)).toBe(false);
    const outbox = (await database.run((m) => m.query(`SELECT count(*)::int AS n FROM outbox_event WHERE id = $1`, [alert.id]))) as { n: number }[];
    expect(outbox[0].n).toBe(1);
    expect(await store.claim('a', ['f3'], 10_000, 3_600_000)).toBeNull();
    expect(await store.requeue({ filer: 'f3' })).toBe(2);
    expect(await store.claim('a', ['f3'], 10_000, 3_600_000)).toMatchObject({ sessionId: 's3', retries: 0 });
  });

  it('delivers a session whose release was never seen once it has been idle long enough', async () => {
    await store.enqueue(stored('s4'), 's4', queued('f4'), null);
    expect(await store.claim('a', ['f4'], 10_000, 60_000)).toBeNull();
    await new Promise((r) => setTimeout(r, 50));
    expect(await store.claim('a', ['f4'], 10_000, 10)).toMatchObject({ sessionId: 's4' });
  });

  it('keeps a batch pending when another replica queues a late document of it while it is being finished', async () => {
    await store.enqueue(stored('s8'), 's8', queued('f8'), null);
    await store.sessionEnded('s8', 'released');
    const batch = await claimed('a', 'f8');
    const [doc] = await store.startAttempt(batch);
    await store.settle(doc.id, 'Delivered', '');
    // The other replica's intake: the late document and its batch row, not committed yet.
    const other = await openDatabase({ url: pg.url, dataDir: '/nonexistent', entities: FILER_ENTITIES, migrations: FILER_MIGRATIONS });
    try {
      let commit!: () => void;
      const committing = new Promise<void>((resolve) => (commit = resolve));
      let written!: () => void;
      const uncommitted = new Promise<void>((resolve) => (written = resolve));
      const intake = other.transaction(async (m) => {
        await m.query(
          `INSERT INTO filer_document (filer, destination, session_id, sop_instance_uid, sop_class_uid, storage_key, sha256, status)
           VALUES ('f8', 'pacs', 's8', '1.2.3.999', '1.2.840.10008.5.1.4.1.1.7', 'k/late.dcm', $1, 'Queued')`,
          ['f'.repeat(64)],
        );
        await m.query(`INSERT INTO filer_batch (filer, session_id, pending) VALUES ('f8', 's8', TRUE) ON CONFLICT (filer, session_id) DO UPDATE SET pending = TRUE`);
        written();
        await committing;
      });
      await uncommitted;
      const finishing = store.finish('a', batch, false);
      await new Promise((r) => setTimeout(r, 100));
      commit();
      await intake;
      expect(await finishing).toBe('more');
      expect(await store.claim('a', ['f8'], 10_000, 3_600_000)).toMatchObject({ sessionId: 's8' });
    } finally {
      await other.close();
    }
  });

  it('removes a completed session only when asked, and keeps it while anything is Errored', async () => {
    for (const [session, filer] of [['s5', 'keep'], ['s6', 'remove'], ['s7', 'remove']] as const) {
      await store.enqueue(stored(session), session, [...queued(filer), { filer: `${filer}-x`, destination: 'pacs', status: 'Ignored', remark: '' }], null);
      await store.enqueue(stored(session), session, queued(filer), null);
      await store.sessionEnded(session, 'released');
    }
    const finish = async (filer: string, remove: boolean, errorFirst: boolean) => {
      const batch = await claimed('a', filer);
      const [one, two] = await store.startAttempt(batch);
      await store.settle(one.id, errorFirst ? 'Errored' : 'Delivered', errorFirst ? '0xA700: out of resources' : '');
      await store.settle(two.id, 'Delivered', '');
      return store.finish('a', batch, remove);
    };
    expect(await finish('keep', false, false)).toBe('done');
    expect((await store.list({ sessionId: 's5', filer: 'keep' }, 100, 0)).map((d) => d.status)).toEqual(['Delivered', 'Delivered']);
    expect(await finish('remove', true, false)).toBe('removed');
    expect(await finish('remove', true, true)).toBe('done');
    expect(await store.list({ sessionId: 's6', filer: 'remove' }, 100, 0)).toEqual([]);
    expect((await store.list({ sessionId: 's7', filer: 'remove' }, 100, 0)).map((d) => [d.status, d.remark])).toEqual([
      ['Errored', '0xA700: out of resources'],
      ['Delivered', ''],
    ]);
  });
});
