import { eventSource, makeEvent, type CloudEventJson, type InstanceStoredV1 } from '@dicom-router/contracts';
import { JetStreamApiCodes, JetStreamApiError, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { CloudEvent } from 'cloudevents';
import { randomBytes } from 'node:crypto';
import { closedPort, TcpProxy } from './testing';
import { BusUnavailableError } from './errors';
import type { DeliveryContext } from './event-bus';
import { connectJetStreamBus, type JetStreamBus, type JetStreamBusOptions } from './jetstream-bus';

// The real server; a missing server fails these tests (beforeAll throws), it never skips them.
const NATS_URL = process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
const run = randomBytes(4).toString('hex');
const streamName = `TEST_EVENTS_${run}`;
const subjectPrefix = `test.${run}`;

const stored: InstanceStoredV1 = {
  associationId: 'assoc-1',
  listener: 'main',
  callingAet: 'STORESCU',
  calledAet: 'DICOM-ROUTER',
  source: 'association',
  storage: { location: 'file', key: '1.2.3/1.2.3.4/1.2.3.4.5.dcm', size: 1234, sha256: 'b'.repeat(64) },
  transferSyntaxUid: '1.2.840.10008.1.2.1',
  sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
  sopInstanceUid: '1.2.3.4.5',
  studyInstanceUid: '1.2.3',
  seriesInstanceUid: '1.2.3.4',
  attributes: { Modality: 'CT' },
};

let admin: NatsConnection;
let jsm: JetStreamManager;
const buses: JetStreamBus[] = [];

async function bus(options: Partial<JetStreamBusOptions> = {}): Promise<JetStreamBus> {
  const created = await connectJetStreamBus({
    servers: NATS_URL,
    name: `messaging-test-${run}`,
    ...options,
    stream: { name: streamName, subjectPrefix, ...options.stream },
    consumer: { nakDelayMs: 50, ackWaitMs: 5_000, ...options.consumer },
  });
  buses.push(created);
  return created;
}

function storedEvent(): CloudEventJson {
  return makeEvent('instanceStored', stored, { source: eventSource('messaging-test') });
}

/** Collects deliveries and lets a test wait for the n-th. */
function recorder(fail: (event: CloudEventJson, context: DeliveryContext) => boolean = () => false) {
  const received: { event: CloudEventJson; attempt: number }[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  return {
    received,
    handler: async (event: CloudEventJson, context: DeliveryContext) => {
      received.push({ event, attempt: context.attempt });
      waiters.filter((w) => received.length >= w.count).forEach((w) => w.resolve());
      if (fail(event, context)) throw new Error('handler failed on purpose');
    },
    waitFor: (count: number) =>
      received.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
  };
}

/**
 * The consumer once its last acknowledgement has reached the server: an ack is sent without waiting
 * for an answer, on the bus's own connection, so another connection may see it a moment later.
 */
async function settledConsumer(durableName: string, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await jsm.consumers.info(streamName, durableName);
    if (info.num_ack_pending === 0 || Date.now() > deadline) return info;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  admin = await connect({ servers: NATS_URL, timeout: 3_000 });
  jsm = await jetstreamManager(admin);
});

afterAll(async () => {
  // Delete the stream even when a bus fails to close, so no test run leaves one behind.
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

describe('stream', () => {
  it('is created with the documented limits, idempotently, and updated when a limit changes', async () => {
    await bus();
    await bus();
    const info = await jsm.streams.info(streamName);
    expect(info.config).toMatchObject({
      subjects: [`${subjectPrefix}.>`],
      storage: 'file',
      retention: 'limits',
      discard: 'old',
      max_age: 7 * 24 * 3600 * 1e9,
      duplicate_window: 120 * 1e9,
      max_msg_size: 1024 * 1024,
      num_replicas: 1,
    });

    await bus({ stream: { maxAgeMs: 24 * 3600 * 1000 } });
    expect((await jsm.streams.info(streamName)).config.max_age).toBe(24 * 3600 * 1e9);
    await bus();
    expect((await jsm.streams.info(streamName)).config.max_age).toBe(7 * 24 * 3600 * 1e9);
  });
});

describe('publish and subscribe', () => {
  it('stores the event with Nats-Msg-Id and delivers it to a durable consumer as CloudEvents JSON', async () => {
    const b = await bus();
    const event = storedEvent();
    const ack = await b.publish(event);
    expect(ack).toMatchObject({ stream: streamName, duplicate: false });

    const stored = await jsm.streams.getMessage(streamName, { seq: ack.seq });
    expect(stored?.subject).toBe(`${subjectPrefix}.instance.stored.v1`);
    expect(stored?.header.get('Nats-Msg-Id')).toBe(event.id);
    expect(stored?.header.get('Content-Type')).toBe('application/cloudevents+json');

    const rec = recorder();
    const subscription = await b.subscribe('dicom.events.instance.stored.v1', { durableName: `stored-${run}`, handler: rec.handler });
    await rec.waitFor(1);
    const got = rec.received.find((r) => r.event.id === event.id);
    if (!got) throw new Error(`event ${event.id} not received`);
    expect(got.event).toEqual(event);
    expect(got.attempt).toBe(1);
    expect(new CloudEvent({ ...got.event }, true).validate()).toBe(true);
    await subscription.close();
  });

  it('deduplicates a republished event id', async () => {
    const b = await bus();
    const durableName = `dedupe-${run}`;
    const before = (await jsm.streams.info(streamName)).state.messages;
    const event = makeEvent('alert', { severity: 'error', kind: 'destination-down', message: 'pacs down', details: {} }, {
      source: eventSource('messaging-test'),
    });

    expect((await b.publish(event)).duplicate).toBe(false);
    expect((await b.publish(event)).duplicate).toBe(true);
    expect((await b.publish({ ...event })).duplicate).toBe(true);
    expect((await jsm.streams.info(streamName)).state.messages).toBe(before + 1);

    const rec = recorder();
    const subscription = await b.subscribe('dicom.events.alert.v1', { durableName, handler: rec.handler });
    await rec.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(rec.received.map((r) => r.event.id)).toEqual([event.id]);
    await subscription.close();
    await expect(settledConsumer(durableName)).resolves.toMatchObject({ num_ack_pending: 0 });
  });

  it('redelivers an event whose handler throws, then acknowledges it', async () => {
    const b = await bus();
    const durableName = `retry-${run}`;
    const event = makeEvent('deliveryFailed', { sopInstanceUid: '1.2.3.9', destination: 'pacs', status: 0xa700, errorComment: 'full', attempt: 1, sha256: 'c'.repeat(64) }, {
      source: eventSource('messaging-test'),
    });
    const failures: unknown[] = [];
    const b2 = await bus({ onHandlerError: (error) => failures.push(error) });
    await b.publish(event);

    const rec = recorder((_event, context) => context.attempt < 3);
    const subscription = await b2.subscribe('dicom.events.delivery.*.v1', { durableName, handler: rec.handler });
    await rec.waitFor(3);
    expect(rec.received.map((r) => [r.event.id, r.attempt])).toEqual([
      [event.id, 1],
      [event.id, 2],
      [event.id, 3],
    ]);
    expect(failures).toHaveLength(2);
    await subscription.close();
    await expect(settledConsumer(durableName)).resolves.toMatchObject({ num_ack_pending: 0, num_pending: 0 });
  });

  it('resumes a durable where it stopped', async () => {
    const b = await bus();
    const durableName = `resume-${run}`;
    const first = storedEvent();
    await b.publish(first);
    const rec1 = recorder();
    const sub1 = await b.subscribe('dicom.events.instance.>', { durableName, handler: rec1.handler });
    await rec1.waitFor(1);
    await sub1.close();

    const second = storedEvent();
    await b.publish(second);
    const rec2 = recorder();
    const sub2 = await b.subscribe('dicom.events.instance.>', { durableName, handler: rec2.handler });
    await rec2.waitFor(1);
    expect(rec2.received.map((r) => r.event.id)).toEqual([second.id]);
    await sub2.close();
  });

  it('creates a durable pull consumer with explicit acks and updates its limits in place', async () => {
    const durableName = `limits-${run}`;
    const first = await (await bus()).subscribe('dicom.events.worklist.>', { durableName, handler: async () => undefined });
    await first.close();
    expect((await jsm.consumers.info(streamName, durableName)).config).toMatchObject({
      durable_name: durableName,
      ack_policy: 'explicit',
      deliver_policy: 'all',
      filter_subject: `${subjectPrefix}.worklist.>`,
      ack_wait: 5_000 * 1e6,
      max_deliver: 10,
    });

    const changed = await bus({ consumer: { ackWaitMs: 9_000, maxDeliver: 4 } });
    const second = await changed.subscribe('dicom.events.worklist.>', { durableName, handler: async () => undefined });
    await second.close();
    expect((await jsm.consumers.info(streamName, durableName)).config).toMatchObject({ ack_wait: 9_000 * 1e6, max_deliver: 4 });

    await expect(changed.subscribe('dicom.events.alert.v1', { durableName, handler: async () => undefined })).rejects.toThrow(
      /use another durable name/,
    );
  });

  it('refuses filters outside the event namespace and events outside the contract', async () => {
    const b = await bus();
    await expect(b.subscribe('dicom.commands.>', { durableName: `bad-${run}`, handler: async () => undefined })).rejects.toThrow(
      /not under dicom\.events/,
    );
    await expect(b.publish({ ...storedEvent(), type: 'com.example.unknown' })).rejects.toThrow(/not in the event contract/);
  });
});

describe('NATS unavailable', () => {
  it('rejects connecting to a closed port with BusUnavailableError within the timeout', async () => {
    const port = await closedPort();
    const started = Date.now();
    const attempt = connectJetStreamBus({ servers: `nats://127.0.0.1:${port}`, name: 'unreachable', connectTimeoutMs: 1_000 });
    await expect(attempt).rejects.toBeInstanceOf(BusUnavailableError);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('rejects publish with BusUnavailableError within the timeout when the server goes away, and recovers', async () => {
    const proxy = new TcpProxy(Number(new URL(NATS_URL).port || 4222));
    const port = await proxy.open();
    try {
      const b = await bus({ servers: `nats://127.0.0.1:${port}`, publishTimeoutMs: 1_500, reconnectTimeWaitMs: 100 });
      await b.publish(storedEvent());
      const rec = recorder();
      const subscription = await b.subscribe('dicom.events.alert.v1', { durableName: `reconnect-${run}`, handler: rec.handler });

      await proxy.close();
      const started = Date.now();
      const error = await b.publish(storedEvent()).then(
        () => null,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(BusUnavailableError);
      expect(Date.now() - started).toBeLessThan(1_500 + 500);

      await proxy.open(port);
      const deadline = Date.now() + 10_000;
      let recovered = false;
      while (!recovered && Date.now() < deadline) {
        recovered = await b.publish(storedEvent()).then(
          () => true,
          () => false,
        );
      }
      expect(recovered).toBe(true);

      // The pull consumer resumes on the new connection by itself.
      const direct = await bus();
      const alert = makeEvent('alert', { severity: 'warning', kind: 'storage-unavailable', message: 'back', details: {} }, {
        source: eventSource('messaging-test'),
      });
      await direct.publish(alert);
      while (!rec.received.some((r) => r.event.id === alert.id)) await rec.waitFor(rec.received.length + 1);
      await subscription.close();
    } finally {
      await proxy.close();
    }
  });

  it('tells disconnect listeners as soon as the connection is lost, every time', async () => {
    const proxy = new TcpProxy(Number(new URL(NATS_URL).port || 4222));
    const port = await proxy.open();
    try {
      const b = await bus({ servers: `nats://127.0.0.1:${port}`, reconnectTimeWaitMs: 100 });
      const lost: string[] = [];
      const stop = b.onDisconnect((server) => lost.push(server));
      const waitForLost = async (count: number) => {
        const deadline = Date.now() + 5_000;
        while (lost.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      };
      await proxy.close();
      await waitForLost(1);
      expect(lost).toEqual([`127.0.0.1:${port}`]);
      await proxy.open(port);
      await b.publish(storedEvent());
      await proxy.close();
      await waitForLost(2);
      expect(lost).toHaveLength(2);
      stop();
      await proxy.open(port);
      await b.publish(storedEvent());
      await proxy.close();
      await new Promise((r) => setTimeout(r, 500));
      expect(lost).toHaveLength(2);
    } finally {
      await proxy.close();
    }
  });
});
