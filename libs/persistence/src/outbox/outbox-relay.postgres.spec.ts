import { storedEvent } from '../__fixtures__/events';
import { FakeBus } from '../__fixtures__/fake-bus';
import { createTestDatabase, type TestDatabase } from '../testing';
import { openDatabase, type Database } from '../database/data-source';
import { Outbox, OUTBOX_ENTITIES, OUTBOX_MIGRATIONS } from './outbox';
import { OutboxRelay } from './outbox-relay';

let pg: TestDatabase;
let replicas: Database[];

beforeAll(async () => {
  pg = await createTestDatabase();
  // Two replicas: two connection pools on one database, as two pods would have.
  replicas = await Promise.all(
    [1, 2].map(() => openDatabase({ url: pg.url, dataDir: '/nonexistent', entities: OUTBOX_ENTITIES, migrations: OUTBOX_MIGRATIONS })),
  );
});

afterAll(async () => {
  await Promise.all(replicas.map((db) => db.close()));
  await pg.drop();
});

describe('relays of several replicas on PostgreSQL', () => {
  it('share the rows without publishing any twice (FOR UPDATE SKIP LOCKED)', async () => {
    const events = Array.from({ length: 40 }, () => storedEvent());
    const [first, second] = replicas as [Database, Database];
    for (const event of events) await new Outbox(first).add(event);
    // Slow publishes keep each batch's locks held while the other relay looks for rows.
    const buses = [new FakeBus(5), new FakeBus(5)] as const;
    const options = { batchSize: 5, intervalMs: 1_000, maxBackoffMs: 1_000, onError: () => undefined };

    const counts = await Promise.all([
      new OutboxRelay(first, buses[0], options).drainOnce(),
      new OutboxRelay(second, buses[1], options).drainOnce(),
    ]);

    const calls = [...buses[0].calls, ...buses[1].calls];
    expect(calls).toHaveLength(40);
    expect(new Set(calls).size).toBe(40);
    expect(counts[0] + counts[1]).toBe(40);
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[1]).toBeGreaterThan(0);
    // Each relay still sends its own share oldest first.
    const order = new Map(events.map((e, i) => [e.id, i]));
    for (const bus of buses) {
      const positions = bus.calls.map((id) => order.get(id) ?? -1);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }
    await expect(first.run((m) => m.query('SELECT count(*)::int AS n FROM outbox_event WHERE published_at IS NULL'))).resolves.toEqual([{ n: 0 }]);
  });
});
