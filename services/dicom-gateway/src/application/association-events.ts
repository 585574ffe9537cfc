import { eventSource, makeEvent, type AssociationV1, type CloudEventJson, type EventKey } from '@dicom-router/contracts';
import type { AbortInfo, AssociateRqPdu, AssociationInfo, AssociationRejection } from '@dicom-router/dicom-network';

/** Where the events go: the bus, or whatever keeps them in order behind the stored events. */
export interface LifecyclePublisher {
  publish(event: CloudEventJson): Promise<unknown>;
}

type LifecycleKey = Extract<EventKey, 'associationAccepted' | 'associationRejected' | 'associationReleased' | 'associationAborted'>;

/**
 * Association lifecycle events (docs/architecture.md §4). They describe what happened and promise nothing,
 * so a bus outage is reported to `onFailure` and never holds up an association.
 */
export class AssociationEvents {
  private readonly source = eventSource('dicom-gateway');

  constructor(
    private readonly bus: LifecyclePublisher,
    private readonly listener: string,
    private readonly onFailure: (error: unknown, key: LifecycleKey) => void,
  ) {}

  accepted(info: AssociationInfo): void {
    this.publish('associationAccepted', this.describe(info));
  }

  released(info: AssociationInfo): void {
    this.publish('associationReleased', this.describe(info));
  }

  aborted(info: AssociationInfo, abort: AbortInfo): void {
    this.publish('associationAborted', {
      ...this.describe(info),
      by: abort.by === 'peer' ? 'peer' : 'router',
      source: abort.source === 0 ? 0 : 2,
      reason: abort.reason,
      message: abort.message,
    });
  }

  rejected(associationId: string, rq: AssociateRqPdu, peer: { address: string; port: number }, rejection: AssociationRejection): void {
    this.publish('associationRejected', {
      associationId,
      listener: this.listener,
      callingAet: rq.callingAeTitle,
      calledAet: rq.calledAeTitle,
      peerAddress: peer.address,
      peerPort: peer.port,
      contexts: rq.presentationContexts.map((pc) => ({ id: pc.id, abstractSyntax: pc.abstractSyntax, transferSyntax: null })),
      result: rejection.result as 1 | 2,
      source: rejection.source as 1 | 2 | 3,
      reason: rejection.reason,
    });
  }

  private describe(info: AssociationInfo): AssociationV1 {
    return {
      associationId: info.id,
      listener: this.listener,
      callingAet: info.callingAet,
      calledAet: info.calledAet,
      peerAddress: info.peerAddress,
      peerPort: info.peerPort,
      contexts: [...info.contexts.values()].map((c) => ({ id: c.id, abstractSyntax: c.abstractSyntax, transferSyntax: c.transferSyntax })),
    };
  }

  private publish<K extends LifecycleKey>(key: K, data: Parameters<typeof makeEvent<K>>[1]): void {
    this.bus.publish(makeEvent(key, data, { source: this.source })).catch((err: unknown) => this.onFailure(err, key));
  }
}
