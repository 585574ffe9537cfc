import { EventEmitter } from 'node:events';
import type { ClientAssociation } from '@dicom-router/dicom-network';
import { DestinationPool, PoolClosedError, type ContextNeed } from './destination-pool';

/**
 * The pool's scheduling alone, over stand-in associations (the real ones are exercised against
 * storescp and Orthanc in tests/interop/destinations.spec.ts).
 */
class FakeAssociation {
  static count = 0;
  readonly info = { id: `association-${++FakeAssociation.count}` };
  readonly closedEvents = new EventEmitter();
  released = false;
  constructor(readonly proposed: readonly ContextNeed[]) {}
  release(): Promise<void> {
    this.released = true;
    this.closedEvents.emit('closed');
    return Promise.resolve();
  }
  closed(): Promise<void> {
    return this.released ? Promise.resolve() : new Promise((resolve) => this.closedEvents.once('closed', resolve));
  }
  /** The peer aborts or the network drops. */
  drop(): void {
    this.released = true;
    this.closedEvents.emit('closed');
  }
}

const CT = { sopClassUid: '1.2.840.10008.5.1.4.1.1.2', transferSyntaxUid: '1.2.840.10008.1.2.1' };
const MR = { sopClassUid: '1.2.840.10008.5.1.4.1.1.4', transferSyntaxUid: '1.2.840.10008.1.2.1' };
const MR_JPEG = { sopClassUid: '1.2.840.10008.5.1.4.1.1.4', transferSyntaxUid: '1.2.840.10008.1.2.4.70' };

function setUp(options: { maxAssociations?: number; idleTimeoutMs?: number; preferred?: string[]; fail?: Error } = {}) {
  const opened: FakeAssociation[] = [];
  const pool = new DestinationPool(
    async (needs) => {
      await new Promise((resolve) => setImmediate(resolve));
      if (options.fail) throw options.fail;
      const association = new FakeAssociation(needs);
      opened.push(association);
      return association as unknown as ClientAssociation;
    },
    {
      maxAssociations: options.maxAssociations ?? 1,
      idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
      preferredTransferSyntaxes: options.preferred ?? [],
    },
  );
  return { pool, opened };
}

/** Work that takes a little while and reports the association it ran on. */
const work = (ms = 5) => async (association: ClientAssociation): Promise<string> => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return association.info.id;
};

describe('DestinationPool', () => {
  it('runs queued work of one kind over a single association', async () => {
    const { pool, opened } = setUp();
    const ids = await Promise.all(Array.from({ length: 10 }, () => pool.run(CT, work())));
    expect(new Set(ids).size).toBe(1);
    expect(opened).toHaveLength(1);
    expect(pool.associationsOpened).toBe(1);
  });

  it('proposes the contexts of queued work, so mixed work shares the association', async () => {
    const { pool, opened } = setUp();
    const first = pool.run(CT, work());
    const rest = [pool.run(MR, work()), pool.run(CT, work()), pool.run(MR, work())];
    const ids = await Promise.all([first, ...rest]);
    expect(new Set(ids).size).toBe(1);
    expect(opened[0].proposed).toEqual([CT, MR]);
  });

  it('opens up to maxAssociations and never more', async () => {
    const { pool, opened } = setUp({ maxAssociations: 3 });
    let running = 0;
    let most = 0;
    const tracked = async (association: ClientAssociation): Promise<string> => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 10));
      running--;
      return association.info.id;
    };
    const ids = await Promise.all(Array.from({ length: 12 }, () => pool.run(CT, tracked)));
    expect(opened).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    expect(most).toBe(3);
  });

  it('releases an association once it has been idle for the idle timeout', async () => {
    const { pool, opened } = setUp({ idleTimeoutMs: 30 });
    await pool.run(CT, work());
    expect(opened[0].released).toBe(false);
    expect(pool.openAssociations).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(opened[0].released).toBe(true);
    expect(pool.openAssociations).toBe(0);
    // The next piece of work opens a new one.
    await pool.run(CT, work());
    expect(opened).toHaveLength(2);
  });

  it('at the limit, releases an idle association that cannot carry the work and opens one that can', async () => {
    const { pool, opened } = setUp({ maxAssociations: 1 });
    await pool.run(CT, work());
    // A fresh pool has seen only CT; MR in JPEG Lossless was never proposed.
    const id = await pool.run(MR_JPEG, work());
    expect(opened).toHaveLength(2);
    expect(opened[0].released).toBe(true);
    expect(id).toBe(opened[1].info.id);
    // Recent work is proposed again, so both kinds now travel on the second association.
    expect(opened[1].proposed).toEqual([MR_JPEG, CT]);
  });

  it('orders the other proposed contexts by the destination preference', async () => {
    const { pool, opened } = setUp({ preferred: ['1.2.840.10008.1.2.4.70', '1.2.840.10008.1.2.1'] });
    await Promise.all([pool.run(CT, work()), pool.run(MR, work()), pool.run(MR_JPEG, work())]);
    expect(opened[0].proposed).toEqual([CT, MR_JPEG, MR]);
  });

  it('fails the work whose association could not be opened, and goes on with the rest', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:104'), { code: 'ECONNREFUSED' });
    const { pool } = setUp({ fail: refused });
    await expect(pool.run(CT, work())).rejects.toBe(refused);
    await expect(pool.run(CT, work())).rejects.toBe(refused);
    expect(pool.openAssociations).toBe(0);
  });

  it('forgets an association the peer dropped, and opens another for the next work', async () => {
    const { pool, opened } = setUp();
    await pool.run(CT, work());
    opened[0].drop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(pool.openAssociations).toBe(0);
    await pool.run(CT, work());
    expect(opened).toHaveLength(2);
  });

  it('passes a failure of the work on, and keeps the association for the next', async () => {
    const { pool, opened } = setUp();
    await expect(
      pool.run(CT, async () => {
        throw new Error('C-STORE failed');
      }),
    ).rejects.toThrow('C-STORE failed');
    await pool.run(CT, work());
    expect(opened).toHaveLength(1);
  });

  it('on close, fails queued work, lets running work finish, and releases everything', async () => {
    const { pool, opened } = setUp();
    const running = pool.run(CT, work(20));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const queued = pool.run(MR, work());
    await Promise.all([pool.close(), expect(running).resolves.toBe(opened[0].info.id), expect(queued).rejects.toBeInstanceOf(PoolClosedError)]);
    expect(opened[0].released).toBe(true);
    await expect(pool.run(CT, work())).rejects.toBeInstanceOf(PoolClosedError);
  });
});
