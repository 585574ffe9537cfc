import { eventSource, makeEvent, type CloudEventJson } from '@dicom-router/contracts';
import type { DeliveryContext } from './event-bus';
import { InProcessBus } from './in-process-bus';

const source = eventSource('messaging-test');
const alert = () => makeEvent('alert', { severity: 'warning', kind: 'destination-down', message: 'pacs down', details: {} }, { source });
const delivered = () =>
  makeEvent('deliverySucceeded', { sopInstanceUid: '1.2.3', destination: 'pacs', status: 0, errorComment: null, attempt: 1, sha256: 'd'.repeat(64) }, { source });

function until(predicate: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => (predicate() ? resolve() : Date.now() > deadline ? reject(new Error('condition not met')) : setTimeout(check, 5));
    check();
  });
}

describe('InProcessBus', () => {
  let bus: InProcessBus;
  afterEach(() => bus.close());

  it('calls handlers asynchronously, never inside publish', async () => {
    bus = new InProcessBus();
    const seen: string[] = [];
    await bus.subscribe('dicom.events.>', { durableName: 'all', handler: async (e) => void seen.push(e.id) });
    const event = alert();
    const publishing = bus.publish(event);
    expect(seen).toEqual([]);
    await expect(publishing).resolves.toMatchObject({ duplicate: false });
    await until(() => seen.length === 1);
    expect(seen).toEqual([event.id]);
  });

  it('hands every durable the same frozen event: no handler can change what another sees', async () => {
    bus = new InProcessBus();
    const seen: CloudEventJson[] = [];
    const tamper = async (e: CloudEventJson): Promise<void> => {
      seen.push(e);
      expect(() => ((e.data as Record<string, unknown>)['message'] = 'changed')).toThrow(TypeError);
    };
    await bus.subscribe('dicom.events.>', { durableName: 'first', handler: tamper });
    await bus.subscribe('dicom.events.>', { durableName: 'second', handler: tamper });
    const event = alert();
    const { handled } = await bus.publish(event);
    await handled;
    expect(seen).toHaveLength(2);
    expect(seen.map((e) => (e.data as { message: string }).message)).toEqual(['pacs down', 'pacs down']);
    expect(Object.isFrozen(event.data)).toBe(true);
  });

  it('routes by subject filter to every durable, once per durable', async () => {
    bus = new InProcessBus();
    const got: Record<string, string[]> = { all: [], deliveries: [], alerts: [] };
    const record = (name: string) => async (e: CloudEventJson) => void got[name].push(e.type);
    await bus.subscribe('dicom.events.>', { durableName: 'all', handler: record('all') });
    await bus.subscribe('dicom.events.delivery.*.v1', { durableName: 'deliveries', handler: record('deliveries') });
    await bus.subscribe('dicom.events.alert.v1', { durableName: 'alerts', handler: record('alerts') });
    await bus.publish(alert());
    await bus.publish(delivered());
    await until(() => got['all'].length === 2 && got['deliveries'].length === 1 && got['alerts'].length === 1);
    expect(got).toEqual({
      all: ['dicom.alert.v1', 'dicom.delivery.succeeded.v1'],
      deliveries: ['dicom.delivery.succeeded.v1'],
      alerts: ['dicom.alert.v1'],
    });
  });

  it('shares one durable between its subscribers', async () => {
    bus = new InProcessBus();
    const a: string[] = [];
    const b: string[] = [];
    await bus.subscribe('dicom.events.>', { durableName: 'workers', handler: async (e) => void a.push(e.id) });
    await bus.subscribe('dicom.events.>', { durableName: 'workers', handler: async (e) => void b.push(e.id) });
    await Promise.all([alert(), alert(), alert(), alert()].map((e) => bus.publish(e)));
    await until(() => a.length + b.length === 4);
    expect(a).toHaveLength(2);
    expect(b).toHaveLength(2);
    await expect(bus.subscribe('dicom.events.alert.v1', { durableName: 'workers', handler: async () => undefined })).rejects.toThrow(
      /filters dicom\.events\.>/,
    );
  });

  it('deduplicates an event id within the window, and accepts it again after', async () => {
    bus = new InProcessBus({ dedupeWindowMs: 50 });
    const seen: string[] = [];
    await bus.subscribe('dicom.events.>', { durableName: 'all', handler: async (e) => void seen.push(e.id) });
    const event = alert();
    expect(await bus.publish(event)).toMatchObject({ duplicate: false });
    expect(await bus.publish({ ...event })).toMatchObject({ duplicate: true });
    await until(() => seen.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await bus.publish(event)).toMatchObject({ duplicate: false });
    await until(() => seen.length === 2);
  });

  it('redelivers when a handler throws, up to maxDeliver, then gives up', async () => {
    const errors: number[] = [];
    const givenUp: string[] = [];
    bus = new InProcessBus({
      redeliveryDelayMs: 5,
      maxDeliver: 3,
      onHandlerError: (_error, _event, context) => errors.push(context.attempt),
      onGiveUp: (event, durableName) => givenUp.push(`${durableName}:${event.id}`),
    });
    const attempts: number[] = [];
    await bus.subscribe('dicom.events.>', {
      durableName: 'flaky',
      handler: async (_e, context: DeliveryContext) => {
        attempts.push(context.attempt);
        throw new Error('not yet');
      },
    });
    const event = alert();
    await bus.publish(event);
    await until(() => givenUp.length === 1);
    expect(attempts).toEqual([1, 2, 3]);
    expect(errors).toEqual([1, 2, 3]);
    expect(givenUp).toEqual([`flaky:${event.id}`]);
  });

  it('succeeds on a later attempt (at-least-once)', async () => {
    bus = new InProcessBus({ redeliveryDelayMs: 5 });
    const attempts: number[] = [];
    await bus.subscribe('dicom.events.>', {
      durableName: 'retry',
      handler: (_e, context) => {
        attempts.push(context.attempt);
        // A synchronous throw counts as a failure too.
        if (context.attempt < 2) throw new Error('first try fails');
        return Promise.resolve();
      },
    });
    await bus.publish(alert());
    await until(() => attempts.length === 2);
    expect(attempts).toEqual([1, 2]);
  });

  it('keeps a durable position while no subscriber is attached', async () => {
    bus = new InProcessBus();
    const seen: string[] = [];
    const first = await bus.subscribe('dicom.events.>', { durableName: 'filer', handler: async (e) => void seen.push(e.id) });
    await first.close();
    const event = alert();
    await bus.publish(event);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen).toEqual([]);
    await bus.subscribe('dicom.events.>', { durableName: 'filer', handler: async (e) => void seen.push(e.id) });
    await until(() => seen.length === 1);
    expect(seen).toEqual([event.id]);
  });

  it('waits for the handler in progress on close and refuses work afterwards', async () => {
    bus = new InProcessBus();
    let finished = false;
    await bus.subscribe('dicom.events.>', {
      durableName: 'slow',
      handler: async () => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        finished = true;
      },
    });
    await bus.publish(alert());
    await new Promise((resolve) => setTimeout(resolve, 5));
    await bus.close();
    expect(finished).toBe(true);
    await expect(bus.publish(alert())).rejects.toThrow(/closed/);
  });

  describe('handled: what an outbox waits for before it lets go of the event', () => {
    it('resolves once every durable that took the event has handled it', async () => {
      bus = new InProcessBus();
      const done: string[] = [];
      let releaseSlow!: () => void;
      const slow = new Promise<void>((resolve) => (releaseSlow = resolve));
      await bus.subscribe('dicom.events.>', { durableName: 'fast', handler: async () => void done.push('fast') });
      await bus.subscribe('dicom.events.alert.v1', { durableName: 'slow', handler: () => slow.then(() => void done.push('slow')) });
      const { handled } = await bus.publish(alert());
      let settled = false;
      void handled?.then(() => (settled = true));
      await until(() => done.includes('fast'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(settled).toBe(false);
      releaseSlow();
      await expect(handled).resolves.toBeUndefined();
      expect(done.sort()).toEqual(['fast', 'slow']);
    });

    it('resolves after a retry succeeds, and after giving up (an outcome, told to onGiveUp)', async () => {
      const gaveUp: string[] = [];
      bus = new InProcessBus({ redeliveryDelayMs: 5, maxDeliver: 2, onGiveUp: (e) => void gaveUp.push(e.id) });
      let calls = 0;
      await bus.subscribe('dicom.events.alert.v1', {
        durableName: 'flaky',
        handler: async () => {
          if (++calls === 1) throw new Error('first attempt fails');
        },
      });
      await expect((await bus.publish(alert())).handled).resolves.toBeUndefined();
      expect(calls).toBe(2);

      await bus.subscribe('dicom.events.delivery.*.v1', {
        durableName: 'broken',
        handler: async () => {
          throw new Error('always fails');
        },
      });
      const event = delivered();
      await expect((await bus.publish(event)).handled).resolves.toBeUndefined();
      expect(gaveUp).toEqual([event.id]);
    });

    it('rejects when the last subscriber leaves with the event still queued, or the bus closes', async () => {
      bus = new InProcessBus();
      let release!: () => void;
      const blocked = new Promise<void>((resolve) => (release = resolve));
      const subscription = await bus.subscribe('dicom.events.alert.v1', { durableName: 'leaving', handler: () => blocked });
      const first = (await bus.publish(alert())).handled;
      const second = (await bus.publish(alert())).handled;
      await new Promise((resolve) => setTimeout(resolve, 20));
      const closing = subscription.close();
      release();
      await closing;
      await expect(first).resolves.toBeUndefined();
      await expect(second).rejects.toThrow(/no subscriber left on leaving/);

      const retried = new InProcessBus({ redeliveryDelayMs: 60_000 });
      await retried.subscribe('dicom.events.alert.v1', { durableName: 'failing', handler: () => Promise.reject(new Error('no')) });
      const third = (await retried.publish(alert())).handled;
      await new Promise((resolve) => setTimeout(resolve, 20));
      await retried.close();
      await expect(third).rejects.toThrow(/closed before the event was handled/);
    });
    it('gives a repeated id the first publish’s outcome, and delivers it again once that one was not handled', async () => {
      bus = new InProcessBus();
      let release!: () => void;
      const blocked = new Promise<void>((resolve) => (release = resolve));
      const seen: string[] = [];
      const subscription = await bus.subscribe('dicom.events.alert.v1', {
        durableName: 'slow',
        handler: async (event) => {
          seen.push(event.id);
          await blocked;
        },
      });
      const event = alert();
      const first = await bus.publish(event);
      const repeat = await bus.publish(event);
      expect(repeat.duplicate).toBe(true);
      let repeatSettled = false;
      void repeat.handled?.then(() => (repeatSettled = true));
      await until(() => seen.length === 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(repeatSettled).toBe(false); // an outbox republishing it still holds its row
      release();
      await expect(repeat.handled).resolves.toBeUndefined();
      await expect(first.handled).resolves.toBeUndefined();
      expect(seen).toEqual([event.id]);

      // Queued when the last subscriber left: not handled, so the same id is delivered when published again.
      let releaseNext!: () => void;
      const next = new Promise<void>((resolve) => (releaseNext = resolve));
      const busy = await bus.subscribe('dicom.events.alert.v1', { durableName: 'slow', handler: () => next });
      await subscription.close();
      const occupying = (await bus.publish(alert())).handled;
      const dropped = alert();
      const lost = (await bus.publish(dropped)).handled;
      await new Promise((resolve) => setTimeout(resolve, 20));
      const closing = busy.close();
      releaseNext();
      await closing;
      await expect(occupying).resolves.toBeUndefined();
      await expect(lost).rejects.toThrow(/no subscriber left/);
      const delivered: string[] = [];
      await bus.subscribe('dicom.events.alert.v1', { durableName: 'slow', handler: async (e) => void delivered.push(e.id) });
      const again = await bus.publish(dropped);
      expect(again.duplicate).toBe(false);
      await expect(again.handled).resolves.toBeUndefined();
      // At least once: the copy left queued on the durable reaches the new subscriber too.
      expect(new Set(delivered)).toEqual(new Set([dropped.id]));
    });
  });

  it('refuses events outside the contract and malformed durable names', async () => {
    bus = new InProcessBus();
    await expect(bus.publish({ ...alert(), type: 'com.example.other' })).rejects.toThrow(/not in the event contract/);
    await expect(bus.subscribe('dicom.events.>', { durableName: 'a.b', handler: async () => undefined })).rejects.toThrow(/durable name/);
  });
});
