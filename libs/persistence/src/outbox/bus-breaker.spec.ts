import { BACKENDS } from '../__fixtures__/backends';
import { storedEvent } from '../__fixtures__/events';
import { FakeBus } from '../__fixtures__/fake-bus';
import type { Database } from '../database/data-source';
import { BusBreaker } from './bus-breaker';
import { Outbox } from './outbox';
import { OutboxRelay } from './outbox-relay';
import { publishDurably } from './publish-durably';

function breakerWithLog(now: () => number = Date.now) {
  const log: string[] = [];
  const breaker = new BusBreaker(
    {
      opened: (error) => log.push(`opened: ${(error as Error).message}`),
      closed: (openForMs, queued) => log.push(`closed after ${openForMs} ms, ${queued} queued`),
    },
    now,
  );
  return { breaker, log };
}

describe('BusBreaker', () => {
  it('starts closed and opens on the first failed publish, telling once', () => {
    const { breaker, log } = breakerWithLog();
    expect(breaker.state).toBe('closed');
    breaker.publishFailed(new Error('timeout'));
    breaker.publishFailed(new Error('timeout again'));
    expect(breaker.isOpen).toBe(true);
    expect(log).toEqual(['opened: timeout']);
  });

  it('closes on a successful probe that found the outbox empty, with how long it was open', () => {
    let clock = 1_000;
    const { breaker, log } = breakerWithLog(() => clock);
    breaker.publishFailed(new Error('down'));
    breaker.outboxWriteStarted()();
    breaker.outboxWriteStarted()();
    clock = 4_500;
    expect(breaker.probeSucceeded(breaker.probeStarted(), true)).toBe(true);
    expect(breaker.state).toBe('closed');
    expect(log).toEqual(['opened: down', 'closed after 3500 ms, 2 queued']);
  });

  it('stays open while unpublished rows remain', () => {
    const { breaker } = breakerWithLog();
    breaker.publishFailed(new Error('down'));
    expect(breaker.probeSucceeded(breaker.probeStarted(), false)).toBe(false);
    expect(breaker.isOpen).toBe(true);
  });

  it('stays open when an outbox write was in flight as the probe looked, even if it settles before the answer', () => {
    const { breaker } = breakerWithLog();
    breaker.publishFailed(new Error('down'));
    const settle = breaker.outboxWriteStarted();
    const ticket = breaker.probeStarted();
    settle();
    expect(breaker.probeSucceeded(ticket, true)).toBe(false);
    // The next probe, with nothing in flight, may close it.
    expect(breaker.probeSucceeded(breaker.probeStarted(), true)).toBe(true);
  });

  it('stays open when an outbox write started after the probe looked', () => {
    const { breaker } = breakerWithLog();
    breaker.publishFailed(new Error('down'));
    const ticket = breaker.probeStarted();
    breaker.outboxWriteStarted()();
    expect(breaker.probeSucceeded(ticket, true)).toBe(false);
  });

  it('ignores probes while closed and counts a settled write once', () => {
    const { breaker, log } = breakerWithLog();
    expect(breaker.probeSucceeded(breaker.probeStarted(), true)).toBe(false);
    const settle = breaker.outboxWriteStarted();
    settle();
    settle();
    breaker.publishFailed(new Error('down'));
    expect(breaker.probeSucceeded(breaker.probeStarted(), true)).toBe(true);
    expect(log).toEqual(['opened: down', 'closed after 0 ms, 0 queued']);
  });

  it('reopens after closing when a publish fails again', () => {
    const { breaker, log } = breakerWithLog(() => 0);
    breaker.publishFailed(new Error('first'));
    breaker.probeSucceeded(breaker.probeStarted(), true);
    breaker.publishFailed(new Error('second'));
    expect(breaker.isOpen).toBe(true);
    expect(log).toEqual(['opened: first', 'closed after 0 ms, 0 queued', 'opened: second']);
  });

  it('survives a throwing listener', () => {
    const breaker = new BusBreaker({
      opened: () => {
        throw new Error('listener failed');
      },
      closed: () => undefined,
    });
    expect(() => breaker.publishFailed(new Error('down'))).not.toThrow();
    expect(breaker.isOpen).toBe(true);
  });
});

describe.each(BACKENDS)('publishDurably with a breaker on $name', (backend) => {
  let db: Database;
  let dispose: () => Promise<void>;
  let outbox: Outbox;

  beforeAll(async () => {
    ({ db, dispose } = await backend.open());
    outbox = new Outbox(db);
  });

  afterEach(() => db.run((m) => m.query('DELETE FROM outbox_event')));
  afterAll(() => dispose());

  it('tries the bus once, then goes to the outbox directly; the relay closes it and keeps the order', async () => {
    const bus = new FakeBus();
    const { breaker, log } = breakerWithLog();
    bus.down = true;
    const events = Array.from({ length: 5 }, () => storedEvent());
    for (const event of events) expect(await publishDurably(outbox, bus, event, { breaker })).toBe('outbox');
    // Only the first event met the bus; the others did not wait for it.
    expect(bus.calls).toEqual([events[0].id]);
    expect(breaker.isOpen).toBe(true);

    bus.down = false;
    const relay = new OutboxRelay(db, bus, {
      batchSize: 2,
      intervalMs: 20,
      maxBackoffMs: 100,
      onError: () => undefined,
      onDrained: () => {
        const ticket = breaker.probeStarted();
        void outbox.hasUnpublished().then((left) => breaker.probeSucceeded(ticket, !left));
      },
    });
    relay.start();
    try {
      await waitFor(() => !breaker.isOpen);
    } finally {
      await relay.stop();
    }
    const later = storedEvent();
    expect(await publishDurably(outbox, bus, later, { breaker })).toBe('bus');
    // Everything queued while open reached the bus before the first event published directly.
    expect(bus.published.map((e) => e.id)).toEqual([...events, later].map((e) => e.id));
    expect(log).toEqual([`opened: cannot publish ${events[0].id}: bus down`, expect.stringMatching(/^closed after \d+ ms, 5 queued$/)]);
  });

  it('falls back to the bus when open and the outbox fails', async () => {
    const bus = new FakeBus();
    const { breaker } = breakerWithLog();
    breaker.publishFailed(new Error('down'));
    const spy = jest.spyOn(outbox, 'add').mockRejectedValueOnce(new Error('database unavailable'));
    try {
      expect(await publishDurably(outbox, bus, storedEvent(), { breaker })).toBe('bus');
    } finally {
      spy.mockRestore();
    }
    expect(breaker.probeStarted().writesInFlight).toBe(0);
  });

  it('rejects when open and neither the outbox nor the bus takes the event', async () => {
    const bus = new FakeBus();
    bus.down = true;
    const { breaker } = breakerWithLog();
    breaker.publishFailed(new Error('down'));
    const spy = jest.spyOn(outbox, 'add').mockRejectedValueOnce(new Error('database unavailable'));
    try {
      await expect(publishDurably(outbox, bus, storedEvent(), { breaker })).rejects.toThrow(/is not durable/);
    } finally {
      spy.mockRestore();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
