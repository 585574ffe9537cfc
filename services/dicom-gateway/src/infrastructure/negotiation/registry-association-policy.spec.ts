import type { NegotiateAssociationReplyV1, NegotiateAssociationRequestV1 } from '@dicom-router/contracts';
import { type AssociateRqPdu, RejectReason, RejectResult, RejectSource } from '@dicom-router/dicom-network';
import { type AssociationNegotiator, RegistryUnavailableError } from './association-negotiator';
import { InProcessNegotiator } from './in-process-negotiator';
import { NegotiationCache } from './negotiation-cache';
import { RegistryAssociationPolicy } from './registry-association-policy';

const VERIFICATION = '1.2.840.10008.1.1';
const IMPLICIT = '1.2.840.10008.1.2';

const ACCEPT: NegotiateAssociationReplyV1 = {
  outcome: 'accept',
  effectiveCallingAet: 'JD-SCU',
  presentationContexts: [{ id: 1, result: 0, transferSyntax: IMPLICIT }],
};

/** A scripted registry: answers from `replies` in turn, and records what it was asked. */
class ScriptedNegotiator implements AssociationNegotiator {
  readonly asked: NegotiateAssociationRequestV1[] = [];
  private readonly listeners = new Set<(why: string) => void>();

  constructor(private readonly replies: Array<NegotiateAssociationReplyV1 | Error | (() => Promise<NegotiateAssociationReplyV1>)>) {}

  async negotiate(request: NegotiateAssociationRequestV1): Promise<NegotiateAssociationReplyV1> {
    this.asked.push(request);
    const next = this.replies.shift();
    if (next === undefined) throw new Error('no more scripted replies');
    if (next instanceof Error) throw next;
    return typeof next === 'function' ? next() : next;
  }

  onCacheInvalid(listener: (why: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    for (const l of this.listeners) l('changed');
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

function rq(calling = 'BRAVO', contexts = [{ id: 1, abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT] }]): AssociateRqPdu {
  return {
    type: 'A-ASSOCIATE-RQ',
    protocolVersion: 1,
    callingAeTitle: calling,
    calledAeTitle: 'ENS-SCP',
    applicationContextName: '1.2.840.10008.3.1.1.1',
    presentationContexts: contexts,
    userInformation: { maxPduLength: 16384 },
  };
}

function setUp(replies: ConstructorParameters<typeof ScriptedNegotiator>[0]) {
  const negotiator = new ScriptedNegotiator(replies);
  const cache = new NegotiationCache();
  negotiator.onCacheInvalid(() => cache.clear());
  const unavailable: Error[] = [];
  const policy = new RegistryAssociationPolicy({ name: 'main', localAet: 'ENS-SCP', remoteAets: ['?1"B".E/JD-SCU'] }, negotiator, cache, 500, (e) => unavailable.push(e));
  const decide = (pdu = rq(), peerPort = 40000) => policy.decide({ rq: pdu, peerAddress: '10.0.0.7', peerPort, listenerName: 'main' });
  return { negotiator, policy, decide, unavailable, cache };
}

const TRANSIENT_CONGESTION = {
  kind: 'reject',
  rejection: { result: RejectResult.Transient, source: RejectSource.ServiceProviderPresentation, reason: RejectReason.TemporaryCongestion },
};

describe('RegistryAssociationPolicy', () => {
  it("sends the request and the listener's AE settings, and turns the reply into the decision", async () => {
    const { negotiator, decide } = setUp([ACCEPT]);
    expect(await decide()).toEqual({ kind: 'accept', effectiveCallingAet: 'JD-SCU', presentationContexts: [{ id: 1, result: 0, transferSyntax: IMPLICIT }] });
    expect(negotiator.asked).toEqual([
      {
        callingAet: 'BRAVO',
        calledAet: 'ENS-SCP',
        applicationContextName: '1.2.840.10008.3.1.1.1',
        peer: { address: '10.0.0.7', port: 40000 },
        presentationContexts: [{ id: 1, abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT] }],
        listener: { name: 'main', localAet: 'ENS-SCP', remoteAets: ['?1"B".E/JD-SCU'] },
      },
    ]);
  });

  it('answers the same proposal from its cache (whatever the peer port) until the registry announces a change', async () => {
    const { negotiator, decide } = setUp([ACCEPT, { outcome: 'reject', result: 1, source: 1, reason: 3, explanation: 'deleted' }]);
    await decide(rq(), 1);
    expect(await decide(rq(), 2)).toMatchObject({ kind: 'accept' });
    expect(negotiator.asked).toHaveLength(1);
    negotiator.changed();
    expect(await decide(rq(), 3)).toEqual({ kind: 'reject', rejection: { result: 1, source: 1, reason: 3, explanation: 'deleted' } });
    expect(negotiator.asked).toHaveLength(2);
  });

  it('asks again for a different proposal', async () => {
    const { negotiator, decide } = setUp([ACCEPT, ACCEPT]);
    await decide(rq('BRAVO'));
    await decide(rq('BETA'));
    expect(negotiator.asked.map((r) => r.callingAet)).toEqual(['BRAVO', 'BETA']);
  });

  it('does not keep an answer that was in flight while the registry changed', async () => {
    let release!: () => void;
    const slow = () => new Promise<NegotiateAssociationReplyV1>((resolve) => (release = () => resolve(ACCEPT)));
    const { negotiator, decide, cache } = setUp([slow, ACCEPT]);
    const first = decide();
    await new Promise((r) => setImmediate(r));
    negotiator.changed();
    release();
    expect(await first).toMatchObject({ kind: 'accept' });
    expect(cache.size).toBe(0);
    await decide();
    expect(negotiator.asked).toHaveLength(2);
  });

  it.each([
    ['no answer in time', new RegistryUnavailableError('no answer within 500 ms')],
    ['the bus failing', new Error('connection closed')],
  ])('%s: rejects transiently, source 3, reason 1 (PS3.8 Table 9-21), and asks again next time', async (_name, error) => {
    const { negotiator, decide, unavailable } = setUp([error, ACCEPT]);
    expect(await decide()).toMatchObject(TRANSIENT_CONGESTION);
    expect(unavailable).toEqual([error]);
    expect(await decide()).toMatchObject({ kind: 'accept' });
    expect(negotiator.asked).toHaveLength(2);
  });

  it('treats a registry error reply and an answer missing a proposed context as unavailable', async () => {
    const { decide } = setUp([
      { outcome: 'error', message: 'database down' },
      { ...ACCEPT, presentationContexts: [{ id: 3, result: 0, transferSyntax: IMPLICIT }] },
    ]);
    expect(await decide()).toMatchObject({ ...TRANSIENT_CONGESTION, rejection: { explanation: expect.stringContaining('database down') } });
    expect(await decide()).toMatchObject({ ...TRANSIENT_CONGESTION, rejection: { explanation: expect.stringContaining('presentation contexts 3 for 1') } });
  });
});

describe('InProcessNegotiator', () => {
  const changes = { subscribe: () => () => undefined };

  it('bounds a registry call that hangs with the same timeout', async () => {
    const negotiator = new InProcessNegotiator({ negotiate: { execute: () => new Promise(() => undefined) }, changes });
    await expect(negotiator.negotiate({} as NegotiateAssociationRequestV1, 50)).rejects.toThrow(/no answer within 50 ms/);
  });

  it('reports a failing registry as unavailable', async () => {
    const negotiator = new InProcessNegotiator({ negotiate: { execute: () => Promise.reject(new Error('PGlite closed')) }, changes });
    await expect(negotiator.negotiate({} as NegotiateAssociationRequestV1, 50)).rejects.toThrow(RegistryUnavailableError);
  });
});
