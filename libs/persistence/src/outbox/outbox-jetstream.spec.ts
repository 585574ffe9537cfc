// Infra libs do not import each other: production code sees only the EventPublisher port, which this
// spec drives with the real JetStream adapter.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { connectJetStreamBus, type JetStreamBus, type JetStreamBusOptions } from '@dicom-router/messaging';
import { JetStreamApiCodes, JetStreamApiError, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import { BACKENDS, outboxRows } from '../__fixtures__/backends';
import { storedEvent } from '../__fixtures__/events';
import { TcpProxy } from '@dicom-router/messaging/testing';
import type { Database } from '../database/data-source';
import { Outbox } from './outbox';
import { OutboxRelay } from './outbox-relay';
import { publishDurably } from './publish-durably';

// The real server; a missing server fails these tests (beforeAll throws), it never skips them.
const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const run = randomBytes(4).toString('hex');
const streamName = `TEST_OUTBOX_${run}`;

let admin: NatsConnection;
let jsm: JetStreamManager;
const buses: JetStreamBus[] = [];

async function bus(options: Partial<JetStreamBusOptions> = {}): Promise<JetStreamBus> {
  const created = await connectJetStreamBus({
    servers: NATS_URL,
    name: `persistence-test-${run}`,
    ...options,
    stream: { name: streamName, subjectPrefix: `test.${run}` },
  });
  buses.push(created);
  return created;
}

/** Nats-Msg-Id of every message stored after `afterSeq`, in stream order. */
async function storedIds(afterSeq: number): Promise<string[]> {
  const { last_seq } = (await jsm.streams.info(streamName)).state;
  const ids: string[] = [];
  for (let seq = afterSeq + 1; seq <= last_seq; seq++) {
    const message = await jsm.streams.getMessage(streamName, { seq });
    ids.push(message?.header.get('Nats-Msg-Id') ?? '');
  }
  return ids;
}

const lastSeq = async () => (await jsm.streams.info(streamName)).state.last_seq;

beforeAll(async () => {
  admin = await connect({ servers: NATS_URL, timeout: 3_000 });
  jsm = await jetstreamManager(admin);
});

afterAll(async () => {
  const closing = await Promise.allSettled(buses.map((b) => b.close()));
  try {
    await jsm.streams.delete(streamName).catch((err: unknown) => {
      if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
    });
  } finally {
    await admin.close();
  }
  for (const result of closing) if (result.status === 'rejected') throw result.reason;
});

describe.each(BACKENDS)('outbox into NATS JetStream, $name', (backend) => {
  let db: Database;
  let dispose: () => Promise<void>;
  let outbox: Outbox;

  beforeAll(async () => {
    ({ db, dispose } = await backend.open());
    outbox = new Outbox(db);
  });

  afterAll(() => dispose());

  const relayOptions = { batchSize: 2, intervalMs: 50, maxBackoffMs: 500, onError: () => undefined };

  it('relays the rows into the stream in the order they were added', async () => {
    const b = await bus();
    const events = Array.from({ length: 5 }, () => storedEvent());
    for (const event of events) await outbox.add(event);
    const before = await lastSeq();

    await expect(new OutboxRelay(db, b, relayOptions).drainOnce()).resolves.toBe(5);
    expect(await storedIds(before)).toEqual(events.map((e) => e.id));
    const message = await jsm.streams.getMessage(streamName, { seq: before + 1 });
    expect(message?.json()).toEqual(events[0]);
  });

  it('keeps an event in the outbox while NATS is unreachable and publishes it exactly once when it returns', async () => {
    const proxy = new TcpProxy(Number(new URL(NATS_URL).port || 4222));
    const port = await proxy.open();
    try {
      const b = await bus({ servers: `nats://127.0.0.1:${port}`, publishTimeoutMs: 1_000, reconnectTimeWaitMs: 100 });
      const relay = new OutboxRelay(db, b, relayOptions);
      await proxy.close();
      const before = await lastSeq();
      const event = storedEvent();

      await expect(publishDurably(outbox, b, event)).resolves.toBe('outbox');
      expect((await outboxRows(db)).filter((r) => !r.published)).toEqual([{ id: event.id, attempts: 0, last_error: null, published: false }]);
      await expect(relay.drainOnce()).rejects.toMatchObject({ name: 'BusUnavailableError' });
      expect((await outboxRows(db)).find((r) => r.id === event.id)).toMatchObject({ attempts: 1, published: false });

      await proxy.open(port);
      const deadline = Date.now() + 10_000;
      let published = 0;
      while (published === 0 && Date.now() < deadline) published = await relay.drainOnce().catch(() => 0);
      expect(published).toBe(1);
      expect(await storedIds(before)).toEqual([event.id]);

      // A relay that died before its mark committed publishes again: JetStream drops the repeat.
      await db.run((m) => m.query('UPDATE outbox_event SET published_at = NULL WHERE id = $1', [event.id]));
      await expect(relay.drainOnce()).resolves.toBe(1);
      expect(await storedIds(before)).toEqual([event.id]);
      expect((await outboxRows(db)).find((r) => r.id === event.id)).toMatchObject({ published: true });
    } finally {
      await proxy.close();
    }
  });
});
