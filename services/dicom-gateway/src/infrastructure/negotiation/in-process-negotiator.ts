import type { NegotiateAssociationReplyV1, NegotiateAssociationRequestV1, RegistryChangedNoticeV1 } from '@dicom-router/contracts';
import { type AssociationNegotiator, RegistryUnavailableError, withinTimeout } from './association-negotiator';

/** The registry's negotiation use case, as the all-in-one process hosts it. */
export interface InProcessRegistry {
  negotiate: { execute(request: NegotiateAssociationRequestV1): Promise<NegotiateAssociationReplyV1> };
  changes: { subscribe(listener: (notice: RegistryChangedNoticeV1) => void): () => void };
}

/**
 * The same port as NatsNegotiator without a bus (embedded defaults): a call into the registry
 * hosted in this process, bounded by the same timeout (its database may be busy).
 */
export class InProcessNegotiator implements AssociationNegotiator {
  constructor(private readonly registry: InProcessRegistry) {}

  async negotiate(request: NegotiateAssociationRequestV1, timeoutMs: number): Promise<NegotiateAssociationReplyV1> {
    try {
      return await withinTimeout(this.registry.negotiate.execute(request), timeoutMs, 'association registry (in process)');
    } catch (err) {
      if (err instanceof RegistryUnavailableError) throw err;
      throw new RegistryUnavailableError(`association registry (in process) failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  onCacheInvalid(listener: (why: string) => void): () => void {
    return this.registry.changes.subscribe((notice) => listener(`registry changed: ${notice.change} ${notice.callingAet} → ${notice.calledAet}`));
  }

  async close(): Promise<void> {
    // Nothing of its own: the registry closes with the process's Nest application.
  }
}
