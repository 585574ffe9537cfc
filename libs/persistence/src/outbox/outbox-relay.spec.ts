import { BACKENDS, outboxRows } from '../__fixtures__/backends';
import { storedEvent } from '../__fixtures__/events';
import { FakeBus } from '../__fixtures__/fake-bus';
import type { Database } from '../database/data-source';
import { Outbox } from './outbox';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
import { publishDurably } from './publish-durably';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await tick(5);
  }
}

describe.each(BACKENDS)('outbox on $name', (backend) => {
  let db: Database;
  let dispose: () => Promise<void>;
  let outbox: Outbox;
  const relays: OutboxRelay[] = [];

  const relay = (bus: FakeBus, options: Partial<OutboxRelayOptions> = {}) => {
    const created = new OutboxRelay(db, bus, { batchSize: 10, intervalMs: 20, maxBackoffMs: 100, onError: () => undefined, ...options });
    relays.push(created);
    return created;
  };

  beforeAll(async () => {
    ({ db, dispose } = await backend.open());
    outbox = new Outbox(db);
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    await db.run((m) => m.query('DELETE FROM outbox_event'));
  });

  afterAll(() => dispose());

  describe('Outbox.add', () => {
    it('writes the event on its own, once per id', async () => {
      const event = storedEvent();
      await outbox.add(event);
      await outbox.add({ ...event, time: 'later' });
      const rows = await db.run((m) => m.query('SELECT id, subject, payload FROM outbox_event'));
      expect(rows).toEqual([{ id: event.id, subject: 'dicom.events.instance.stored.v1', payload: event }]);
    });

    it('commits and rolls back with the caller’s transaction', async () => {
      const committed = storedEvent();
      const rolledBack = storedEvent();
      await db.transaction((m) => outbox.add(committed, m));
      await expect(
        db.transaction(async (m) => {
          await outbox.add(rolledBack, m);
          throw new Error('metadata write failed');
        }),
      ).rejects.toThrow('metadata write failed');
      expect((await outboxRows(db)).map((r) => r.id)).toEqual([committed.id]);
    });

    it('groups adds that arrive while a write is in progress, keeping their order', async () => {
      const events = Array.from({ length: 25 }, () => storedEvent());
      const spy = jest.spyOn(db, 'run');
      await Promise.all([...events, events[3]].map((event) => outbox.add(event))); // one id twice: stored once
      // The first add is written alone, everything that queued behind it in one more statement.
      expect(spy).toHaveBeenCalledTimes(2);
      spy.mockRestore();
      expect((await outboxRows(db)).map((r) => r.id)).toEqual(events.map((e) => e.id));
    });

    it('rejects every add of a group whose statement failed, and writes later groups', async () => {
      const spy = jest.spyOn(db, 'run').mockRejectedValueOnce(new Error('database unavailable'));
      const failed = outbox.add(storedEvent());
      await expect(failed).rejects.toThrow('database unavailable');
      spy.mockRestore();
      const later = storedEvent();
      await outbox.add(later);
      expect((await outboxRows(db)).map((r) => r.id)).toEqual([later.id]);
    });

    it('refuses an event outside the contract, which could never be published', async () => {
      await expect(outbox.add({ ...storedEvent(), type: 'com.example.unknown' })).rejects.toThrow(/not in the event contract/);
      expect(await outboxRows(db)).toEqual([]);
    });
  });

  describe('OutboxRelay', () => {
    it('publishes every row in the order added, across batches, and marks them published', async () => {
      const events = Array.from({ length: 25 }, () => storedEvent());
      for (const event of events.slice(0, 20)) await outbox.add(event);
      // Several rows in one transaction keep their order too (created_at is clock_timestamp()).
      await db.transaction(async (m) => {
        for (const event of events.slice(20)) await outbox.add(event, m);
      });
      const bus = new FakeBus();

      await expect(relay(bus).drainOnce()).resolves.toBe(25);
      expect(bus.published.map((e) => e.id)).toEqual(events.map((e) => e.id));
      expect(bus.published).toEqual(events);
      expect((await outboxRows(db)).every((r) => r.published && r.attempts === 0)).toBe(true);
      await expect(relay(bus).drainOnce()).resolves.toBe(0);
      expect(bus.calls).toHaveLength(25);
    });

    it('while the bus is down records the failure on the oldest row and keeps every row for later', async () => {
      const events = [storedEvent(), storedEvent(), storedEvent()];
      for (const event of events) await outbox.add(event);
      const bus = new FakeBus();
      bus.down = true;
      const r = relay(bus);

      await expect(r.drainOnce()).rejects.toThrow(/bus down/);
      await expect(r.drainOnce()).rejects.toThrow(/bus down/);
      expect(await outboxRows(db)).toEqual([
        { id: events[0]?.id, attempts: 2, last_error: `Error: cannot publish ${events[0]?.id}: bus down`, published: false },
        { id: events[1]?.id, attempts: 0, last_error: null, published: false },
        { id: events[2]?.id, attempts: 0, last_error: null, published: false },
      ]);

      bus.down = false;
      await expect(r.drainOnce()).resolves.toBe(3);
      expect(bus.published.map((e) => e.id)).toEqual(events.map((e) => e.id));
    });

    it('keeps what it published before a failure and holds later rows back, so order survives', async () => {
      const events = Array.from({ length: 5 }, () => storedEvent());
      for (const event of events) await outbox.add(event);
      const bus = new FakeBus();
      bus.failIds.add(events[2]?.id ?? '');
      const r = relay(bus);

      await expect(r.drainOnce()).rejects.toThrow(/bus down/);
      expect((await outboxRows(db)).map((row) => [row.published, row.attempts])).toEqual([
        [true, 0],
        [true, 0],
        [false, 1],
        [false, 0],
        [false, 0],
      ]);
      bus.failIds.clear();
      await expect(r.drainOnce()).resolves.toBe(3);
      expect(bus.published.map((e) => e.id)).toEqual(events.map((e) => e.id));
    });

    it('runs in the background, backs off while the bus is down, and catches up when it returns', async () => {
      const event = storedEvent();
      await outbox.add(event);
      const bus = new FakeBus();
      bus.down = true;
      const errors: unknown[] = [];
      const r = relay(bus, { intervalMs: 10, maxBackoffMs: 80, onError: (err) => errors.push(err) });

      r.start();
      await tick(600);
      // Without back-off about 60 attempts; with 20, 40, 80, 80, … ms about 9.
      expect(errors.length).toBeGreaterThanOrEqual(4);
      expect(errors.length).toBeLessThanOrEqual(14);

      bus.down = false;
      const deadline = Date.now() + 2_000;
      while (bus.published.length === 0 && Date.now() < deadline) await tick(10);
      expect(bus.published.map((e) => e.id)).toEqual([event.id]);
      await r.stop();
      const after = bus.calls.length;
      await outbox.add(storedEvent());
      await tick(100);
      expect(bus.calls).toHaveLength(after);
    });

    it('on a bus that keeps nothing (in-process), keeps each row until its consumers have handled the event', async () => {
      const event = storedEvent();
      await outbox.add(event);
      const bus = new FakeBus();
      let release!: () => void;
      bus.handled = () => new Promise<void>((resolve) => (release = resolve));
      const draining = relay(bus, { retentionMs: 0 }).drainOnce();
      await waitFor(() => bus.published.length === 1);
      await tick(30);
      expect(await outboxRows(db)).toHaveLength(1);
      release();
      await expect(draining).resolves.toBe(1);
      expect(await outboxRows(db)).toEqual([]);

      // A consumer that could not take it (the process is stopping): the row stays for the next start.
      const kept = storedEvent();
      await outbox.add(kept);
      bus.handled = () => Promise.reject(new Error('no subscriber left'));
      await expect(relay(bus, { retentionMs: 0 }).drainOnce()).rejects.toThrow(/no subscriber left/);
      expect((await outboxRows(db)).map((r) => r.id)).toEqual([kept.id]);
    });

    it('republishes a row whose mark was lost; the bus sees the same id and drops it', async () => {
      const event = storedEvent();
      await outbox.add(event);
      const bus = new FakeBus();
      await relay(bus).drainOnce();
      // As if the process died between the publish and the commit of its mark.
      await db.run((m) => m.query('UPDATE outbox_event SET published_at = NULL'));
      await expect(relay(bus).drainOnce()).resolves.toBe(1);
      expect(bus.calls).toEqual([event.id, event.id]);
      expect(bus.published.map((e) => e.id)).toEqual([event.id]);
    });

    it('deletes published rows once they are older than the retention', async () => {
      const published = storedEvent();
      await outbox.add(published);
      const bus = new FakeBus();
      await relay(bus).drainOnce();
      const pending = storedEvent();
      bus.down = true;
      await outbox.add(pending);

      await relay(bus).drainOnce().catch(() => undefined);
      expect((await outboxRows(db)).map((r) => r.id)).toEqual([published.id, pending.id]);
      await tick(5);
      await relay(bus, { retentionMs: 1 }).drainOnce().catch(() => undefined);
      expect((await outboxRows(db)).map((r) => r.id)).toEqual([pending.id]);
    });

    it('with a retention of 0 deletes each row as it is published', async () => {
      const event = storedEvent();
      await outbox.add(event);
      const bus = new FakeBus();
      await expect(relay(bus, { retentionMs: 0 }).drainOnce()).resolves.toBe(1);
      expect(bus.published.map((e) => e.id)).toEqual([event.id]);
      expect(await outboxRows(db)).toEqual([]);
    });

    it('purges at most once per purge interval', async () => {
      const published = storedEvent();
      await outbox.add(published);
      const bus = new FakeBus();
      const r = relay(bus, { retentionMs: 1, purgeEveryMs: 60_000 });
      await r.drainOnce(); // purges nothing yet, publishes the row
      await tick(5);
      await r.drainOnce(); // within the purge interval: the old row stays
      expect((await outboxRows(db)).map((row) => row.id)).toEqual([published.id]);
      await relay(bus, { retentionMs: 1, purgeEveryMs: 60_000 }).drainOnce(); // a fresh relay purges on its first drain
      expect(await outboxRows(db)).toEqual([]);
    });

    it('drains soon after a nudge instead of waiting for the interval', async () => {
      const bus = new FakeBus();
      const r = relay(bus, { intervalMs: 60_000, nudgeDelayMs: 5 });
      r.start();
      await tick(20); // the first drain at start found nothing; the next is a minute away
      const event = storedEvent();
      await outbox.add(event);
      r.nudge();
      r.nudge(); // a burst of nudges is one drain
      await waitFor(() => bus.published.length === 1, 1_000); // far sooner than the 60 s interval
      expect(bus.published.map((e) => e.id)).toEqual([event.id]);
    });

    it('shares one drain between overlapping calls', async () => {
      for (let i = 0; i < 3; i++) await outbox.add(storedEvent());
      const bus = new FakeBus(5);
      const r = relay(bus);
      await expect(Promise.all([r.drainOnce(), r.drainOnce()])).resolves.toEqual([3, 3]);
      expect(bus.calls).toHaveLength(3);
    });
  });

  describe('publishDurably', () => {
    it('publishes straight to the bus when it is up, leaving no row', async () => {
      const bus = new FakeBus();
      const event = storedEvent();
      await expect(publishDurably(outbox, bus, event)).resolves.toBe('bus');
      expect(bus.published).toEqual([event]);
      expect(await outboxRows(db)).toEqual([]);
    });

    it('commits the event to the outbox when the bus is down; the relay publishes it later', async () => {
      const bus = new FakeBus();
      bus.down = true;
      const event = storedEvent();
      await expect(publishDurably(outbox, bus, event)).resolves.toBe('outbox');
      expect(await outboxRows(db)).toEqual([{ id: event.id, attempts: 0, last_error: null, published: false }]);
      bus.down = false;
      await expect(relay(bus).drainOnce()).resolves.toBe(1);
      expect(bus.published).toEqual([event]);
    });

    it('on a bus that keeps nothing, counts the event durable once its consumers have handled it, leaving no row', async () => {
      const bus = new FakeBus();
      let release!: () => void;
      bus.handled = () => new Promise<void>((resolve) => (release = resolve));
      const event = storedEvent();
      let via: string | undefined;
      const durable = publishDurably(outbox, bus, event).then((v) => (via = v));
      await tick(20);
      expect(via).toBeUndefined(); // not before the consumers committed what they took from it
      release();
      await durable;
      expect(via).toBe('bus');
      expect(await outboxRows(db)).toEqual([]);
    });

    it('commits the event to the outbox when the consumers fail or take longer than the hand-off allows', async () => {
      const bus = new FakeBus();
      bus.handled = () => Promise.reject(new Error('no subscriber left'));
      const refused = storedEvent();
      await expect(publishDurably(outbox, bus, refused)).resolves.toBe('outbox');

      // Slow: the row is kept until the first delivery is handled, even though the relay's
      // republish is a duplicate.
      let release!: () => void;
      const firstDelivery = new Promise<void>((resolve) => (release = resolve));
      bus.handled = () => firstDelivery;
      const slow = storedEvent();
      await expect(publishDurably(outbox, bus, slow, { handoffMs: 20 })).resolves.toBe('outbox');
      expect((await outboxRows(db)).map((r) => r.id)).toEqual([refused.id, slow.id]);
      const draining = relay(bus, { retentionMs: 0 }).drainOnce();
      await tick(30);
      expect((await outboxRows(db)).map((r) => r.id)).toEqual([refused.id, slow.id]);
      release();
      await expect(draining).resolves.toBe(2);
      expect(await outboxRows(db)).toEqual([]);
    });

    it('rejects when neither the bus nor the outbox takes the event', async () => {
      const bus = new FakeBus();
      bus.down = true;
      const broken = new Outbox(db);
      jest.spyOn(broken, 'add').mockRejectedValueOnce(new Error('database unavailable'));
      const failure = await publishDurably(broken, bus, storedEvent()).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(AggregateError);
      expect((failure as AggregateError).errors.map(String)).toEqual([expect.stringMatching(/bus down/), 'Error: database unavailable']);
    });
  });
});
