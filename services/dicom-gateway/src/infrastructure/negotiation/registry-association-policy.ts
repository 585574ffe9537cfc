import type { NegotiateAssociationReplyV1, NegotiateAssociationRequestV1 } from '@dicom-router/contracts';
import {
  type AssociationDecision,
  type AssociationPolicy,
  type AssociationRequest,
  type PresentationContextResultCode,
  Rejections,
} from '@dicom-router/dicom-network';
import { type AssociationNegotiator, RegistryUnavailableError } from './association-negotiator';
import type { NegotiationCache } from './negotiation-cache';

export interface RegistryListenerSettings {
  name: string;
  localAet: string;
  remoteAets: readonly string[];
}

/**
 * Asks association-registry about each A-ASSOCIATE-RQ (docs/architecture.md §3: the gateway negotiates, the
 * registry owns association contexts) and caches its answers until the registry announces a change.
 * No answer in time, or a registry failure: A-ASSOCIATE-RJ transient, service-provider (presentation),
 * temporary congestion (PS3.8 Table 9-21 source 3 reason 1), so the requester may retry later.
 */
export class RegistryAssociationPolicy implements AssociationPolicy {
  constructor(
    private readonly listener: RegistryListenerSettings,
    private readonly negotiator: AssociationNegotiator,
    private readonly cache: NegotiationCache,
    private readonly timeoutMs: number,
    private readonly onUnavailable: (error: Error) => void = () => undefined,
  ) {}

  async decide({ rq, peerAddress, peerPort }: AssociationRequest): Promise<AssociationDecision> {
    const request: NegotiateAssociationRequestV1 = {
      callingAet: rq.callingAeTitle,
      calledAet: rq.calledAeTitle,
      applicationContextName: rq.applicationContextName,
      peer: { address: peerAddress, port: peerPort },
      presentationContexts: rq.presentationContexts.map((pc) => ({ id: pc.id, abstractSyntax: pc.abstractSyntax, transferSyntaxes: [...pc.transferSyntaxes] })),
      listener: { name: this.listener.name, localAet: this.listener.localAet, remoteAets: [...this.listener.remoteAets] },
    };
    // The peer's address is not part of the rules (docs/architecture.md §4), so not of the key either.
    const key = JSON.stringify([request.callingAet, request.calledAet, request.applicationContextName, request.presentationContexts, request.listener]);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const generation = this.cache.generation;
    let decision: AssociationDecision;
    try {
      decision = toDecision(await this.negotiator.negotiate(request, this.timeoutMs), request);
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      this.onUnavailable(error);
      return { kind: 'reject', rejection: Rejections.registryUnavailable(error.message) };
    }
    this.cache.set(key, decision, generation);
    return decision;
  }
}

function toDecision(reply: NegotiateAssociationReplyV1, request: NegotiateAssociationRequestV1): AssociationDecision {
  switch (reply.outcome) {
    case 'accept': {
      // Every proposed context answered exactly once (PS3.8 §9.3.3.2), or the A-ASSOCIATE-AC would be malformed.
      const proposed = request.presentationContexts.map((pc) => pc.id).sort((a, b) => a - b);
      const answered = reply.presentationContexts.map((pc) => pc.id).sort((a, b) => a - b);
      if (JSON.stringify(proposed) !== JSON.stringify(answered)) {
        throw new RegistryUnavailableError(`the registry answered presentation contexts ${answered.join(',')} for ${proposed.join(',')}`);
      }
      return {
        kind: 'accept',
        effectiveCallingAet: reply.effectiveCallingAet,
        presentationContexts: reply.presentationContexts.map((pc) => ({
          id: pc.id,
          result: pc.result as PresentationContextResultCode,
          transferSyntax: pc.transferSyntax,
        })),
      };
    }
    case 'reject':
      return { kind: 'reject', rejection: { result: reply.result, source: reply.source, reason: reply.reason, explanation: reply.explanation } };
    case 'error':
      throw new RegistryUnavailableError(reply.message);
  }
}
