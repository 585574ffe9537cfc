import type { CloudEventJson, RouteInstanceCommandV1 } from '@dicom-router/contracts';
import { DeliveryError, type DeliveryResult, type InstanceSender } from './instance-sender';
import { routeCommandFor } from './route-command';
import { RouteInstanceUseCase } from './route-instance';

/**
 * The routing decision and verdict alone, over a stand-in sender (the real sends to storescp and
 * Orthanc are exercised in tests/interop/sync-routing.spec.ts).
 */
type Behaviour = { status: number } | { error: DeliveryError } | { delayMs: number; status: number };

class ScriptedSender implements InstanceSender {
  readonly sent: string[] = [];
  constructor(private readonly behaviour: Record<string, Behaviour>) {}
  async sendStoredInstance(destination: string, storageKey: string): Promise<DeliveryResult> {
    this.sent.push(destination);
    const b = this.behaviour[destination];
    if ('error' in b) throw b.error;
    if ('delayMs' in b) await new Promise((resolve) => setTimeout(resolve, b.delayMs));
    const outcome = b.status === 0 ? 'success' : (b.status & 0xf000) === 0xb000 ? 'warning' : 'failure';
    return { destination, storageKey, sopInstanceUid: '1.2.3', status: b.status, outcome, durationMs: 1, associationId: 'x' };
  }
}

const ROUTES = [
  { name: 'ct', condition: 'modality == "CT"', destinations: ['a'] },
  { name: 'mr', condition: 'modality == "MR"', destinations: ['b'] },
  { name: 'all', condition: 'true', destinations: ['a', 'b'] },
  { name: 'broken', condition: 'int(patientId) > 3', destinations: ['a'] },
];

function command(modality: string, routes: string[], timeoutMs = 5_000, patientId = 'P1'): RouteInstanceCommandV1 {
  return routeCommandFor({
    storageKey: 'studies/1/2/3.dcm',
    sha256: 'ab',
    sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
    sopInstanceUid: '1.2.3',
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    source: 'association',
    attributes: new Map([
      [0x00080060, { value: modality }],
      [0x00100020, { value: patientId }],
    ]),
    routes,
    timeoutMs,
    replyTo: 'reply',
  });
}

function setUp(behaviour: Record<string, Behaviour>) {
  const sender = new ScriptedSender(behaviour);
  const events: CloudEventJson[] = [];
  const useCase = new RouteInstanceUseCase(ROUTES, sender, { announce: async (e) => void events.push(e) }, { eventSource: '/test', onAnnounceError: () => undefined });
  return { sender, events, useCase };
}

describe('RouteInstanceUseCase', () => {
  it('sends to the destinations of the matching routes only, and announces each delivery', async () => {
    const { sender, events, useCase } = setUp({ a: { status: 0 }, b: { status: 0 } });
    const { verdict, announced } = await useCase.execute(command('CT', ['ct', 'mr']));
    await announced;
    expect(verdict).toMatchObject({ outcome: 'delivered', matchedRoutes: ['ct'], deliveries: [{ destination: 'a', outcome: 'success', status: 0 }] });
    expect(sender.sent).toEqual(['a']);
    expect(events.map((e) => [e.type, (e.data as { destination: string }).destination])).toEqual([['dicom.delivery.succeeded.v1', 'a']]);
  });

  it('sends once to a destination named by several matching routes', async () => {
    const { sender, useCase } = setUp({ a: { status: 0 }, b: { status: 0 } });
    const { verdict } = await useCase.execute(command('CT', ['ct', 'all']));
    expect(verdict.outcome).toBe('delivered');
    expect(sender.sent.sort()).toEqual(['a', 'b']);
  });

  it('answers no-route and sends nothing when no rule matches', async () => {
    const { sender, useCase } = setUp({ a: { status: 0 }, b: { status: 0 } });
    const { verdict } = await useCase.execute(command('US', ['ct', 'mr']));
    expect(verdict).toMatchObject({ outcome: 'no-route', matchedRoutes: [], deliveries: [] });
    expect(sender.sent).toEqual([]);
  });

  it('fails when one destination fails, still delivering to the others, and announces the failure', async () => {
    const refused = new DeliveryError('b', 'unreachable', 'cannot open an association: connect ECONNREFUSED');
    const { events, useCase } = setUp({ a: { status: 0 }, b: { error: refused } });
    const { verdict, announced } = await useCase.execute(command('CT', ['all']));
    await announced;
    expect(verdict.outcome).toBe('failed');
    expect(verdict.deliveries).toEqual([
      { destination: 'a', outcome: 'success', status: 0, errorComment: null, attempt: 1 },
      { destination: 'b', outcome: 'failure', status: null, errorComment: refused.message, reason: 'unreachable', attempt: 1 },
    ]);
    expect(events.map((e) => e.type).sort()).toEqual(['dicom.delivery.failed.v1', 'dicom.delivery.succeeded.v1']);
  });

  it('counts a failure status as a failure and a warning as delivered', async () => {
    const { useCase } = setUp({ a: { status: 0xa700 }, b: { status: 0xb000 } });
    const { verdict } = await useCase.execute(command('CT', ['all']));
    expect(verdict.outcome).toBe('failed');
    expect(verdict.deliveries.map((d) => [d.destination, d.outcome, d.reason])).toEqual([
      ['a', 'failure', 'failure-status'],
      ['b', 'warning', undefined],
    ]);
  });

  it('answers by the deadline with the slow destination timed out, and announces its late outcome', async () => {
    const { events, useCase } = setUp({ a: { delayMs: 300, status: 0 }, b: { status: 0 } });
    const started = Date.now();
    const { verdict, announced } = await useCase.execute(command('CT', ['all'], 100));
    expect(Date.now() - started).toBeLessThan(250);
    expect(verdict.outcome).toBe('failed');
    expect(verdict.deliveries.find((d) => d.destination === 'a')).toMatchObject({ outcome: 'failure', reason: 'timeout' });
    await announced;
    expect(events.filter((e) => e.type === 'dicom.delivery.succeeded.v1')).toHaveLength(2);
  });

  it('fails the instance without sending when a targeted rule cannot be decided', async () => {
    const { sender, useCase } = setUp({ a: { status: 0 }, b: { status: 0 } });
    const { verdict } = await useCase.execute(command('CT', ['broken', 'mr'], 5000, 'not-a-number'));
    expect(verdict.outcome).toBe('failed');
    expect(verdict.error).toMatch(/^route broken cannot be decided/);
    expect(sender.sent).toEqual([]);
  });

  it('rejects a command naming an unknown route or carrying an unreadable attribute name', async () => {
    const { useCase } = setUp({});
    expect((await useCase.execute(command('CT', ['ct', 'gone']))).verdict).toMatchObject({ outcome: 'rejected', error: 'no route is named "gone"' });
    const bad = command('CT', ['ct']);
    bad.instance.attributes['nonsense'] = 'x';
    expect((await useCase.execute(bad)).verdict.outcome).toBe('rejected');
  });

  it('carries attributes by tag, private ones too', () => {
    const c = routeCommandFor({
      storageKey: 'k', sha256: 's', sopClassUid: '1', sopInstanceUid: '2', transferSyntaxUid: '3', source: 'association',
      attributes: new Map([[0x00091010, { value: 'private' }], [0x00080060, { value: '' }]]),
      routes: ['ct'], timeoutMs: 1000, replyTo: 'r',
    }, 0);
    expect(c.instance.attributes).toEqual({ '00091010': 'private' });
    expect(c.deadline).toBe('1970-01-01T00:00:01.000Z');
  });
});
