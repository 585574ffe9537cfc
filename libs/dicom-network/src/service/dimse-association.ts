import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import { AcceptedContext } from '../association/negotiation';
import { DimseCommand, DimseMessageReader, encodeCommand, writeMessage } from '../dimse';
import { AssociateAcPdu, AssociateRqPdu } from '../pdu/types';
import { AbortInfo, UpperLayerConnection } from '../transport/upper-layer-connection';

export interface IncomingMessage {
  contextId: number;
  context: AcceptedContext;
  command: DimseCommand;
  /** The data set as it arrives, with backpressure; null when the command has none. */
  dataSet: Readable | null;
}

export interface DimseAssociationEvents {
  message: [IncomingMessage];
  'release-requested': [];
  released: [];
  aborted: [AbortInfo];
  closed: [];
}

/** Facts about an established association that handlers, logs and events need. */
export interface AssociationInfo {
  id: string;
  callingAet: string;
  calledAet: string;
  peerAddress: string;
  peerPort: number;
  /** The peer's 51H value: the largest P-DATA-TF we may send (0 = no limit). */
  peerMaxPduLength: number;
  peerImplementationClassUid?: string;
  peerImplementationVersionName?: string;
  contexts: ReadonlyMap<number, AcceptedContext>;
}

/**
 * An established association seen from the DIMSE layer (PS3.7): whole messages in, whole messages
 * out. Incoming data sets stream with backpressure to the socket; outgoing messages are fragmented
 * to the peer's maximum PDU length and never interleave.
 */
export class DimseAssociation extends EventEmitter<DimseAssociationEvents> {
  readonly info: AssociationInfo;
  private readonly reader = new DimseMessageReader();
  private sendChain: Promise<void> = Promise.resolve();
  private ended = false;
  private idleTimer: NodeJS.Timeout | null = null;
  private busy = 0;

  constructor(
    readonly connection: UpperLayerConnection,
    rq: AssociateRqPdu,
    ac: AssociateAcPdu,
    contexts: ReadonlyMap<number, AcceptedContext>,
    private readonly idleTimeoutMs: number,
    localIsRequestor: boolean,
  ) {
    super();
    const peerInfo = localIsRequestor ? ac.userInformation : rq.userInformation;
    this.info = {
      id: randomUUID(),
      callingAet: rq.callingAeTitle,
      calledAet: rq.calledAeTitle,
      peerAddress: connection.socket.remoteAddress ?? '',
      peerPort: connection.socket.remotePort ?? 0,
      peerMaxPduLength: peerInfo.maxPduLength ?? 0,
      peerImplementationClassUid: peerInfo.implementationClassUid,
      peerImplementationVersionName: peerInfo.implementationVersionName,
      contexts,
    };
    this.wireReader();
    connection.on('pdata', (values) => {
      for (const pdv of values) {
        if (this.ended) return;
        if (!this.info.contexts.has(pdv.contextId)) {
          return this.protocolViolation(`P-DATA on presentation context ${pdv.contextId}, which was not accepted`);
        }
        let wantsMore: boolean;
        try {
          wantsMore = this.reader.push(pdv);
        } catch (err) {
          return this.protocolViolation(err instanceof Error ? err.message : String(err));
        }
        if (!wantsMore) connection.pause();
      }
      this.touchIdle();
    });
    connection.on('release-indication', () => {
      this.emit('release-requested');
      // PS3.8 §7.2: answer the release once our own responses are on the wire.
      void this.sendChain.then(() => {
        connection.releaseResponse();
        this.finish('released');
      });
    });
    connection.on('release-confirm', () => this.finish('released'));
    connection.on('abort', (info) => this.finish('aborted', info));
    connection.on('closed', () => {
      if (!this.ended) this.finish('aborted', { by: 'provider', source: 2, reason: 0, message: 'transport connection closed' });
      this.emit('closed');
    });
    this.touchIdle();
  }

  get isOpen(): boolean {
    return !this.ended && this.connection.isEstablished;
  }

  /** Queue a whole message; resolves when its last fragment has been handed to the socket. */
  send(contextId: number, command: DimseCommand, dataSet: Readable | Buffer | null = null): Promise<void> {
    const job = this.sendChain.then(async () => {
      if (!this.isOpen) throw new Error('association is no longer established');
      await writeMessage(this.connection, contextId, encodeCommand(command), dataSet, this.info.peerMaxPduLength);
    });
    this.sendChain = job.catch(() => undefined);
    return job;
  }

  /** Tell the idle timer that the local side is working (the peer is waiting on us). */
  beginWork(): void {
    this.busy++;
    this.touchIdle();
  }

  endWork(): void {
    this.busy = Math.max(0, this.busy - 1);
    this.touchIdle();
  }

  release(): void {
    this.connection.releaseRequest();
  }

  /** A-ABORT request (PS3.8 §7.3.1): the association ends for us at once, whatever the peer does. */
  abort(message = 'aborted by local user'): void {
    if (this.ended) return;
    this.connection.abort(message);
    this.finish('aborted', { by: 'local', source: 0, reason: 0, message });
  }

  private wireReader(): void {
    this.reader.on('message', ({ contextId, command, dataSet }) => {
      const context = this.info.contexts.get(contextId)!;
      this.emit('message', { contextId, context, command, dataSet });
    });
    this.reader.on('drain', () => this.connection.resume());
  }

  private protocolViolation(message: string): void {
    this.reader.abort(new Error(message));
    this.abort(message);
  }

  /** TXTIM between messages: a peer silent while we wait for it is aborted. */
  private touchIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.ended || this.busy > 0 || this.idleTimeoutMs <= 0) return;
    this.idleTimer = setTimeout(() => {
      if (this.busy === 0 && !this.ended) this.abort(`no DIMSE message within ${this.idleTimeoutMs} ms`);
    }, this.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private finish(how: 'released' | 'aborted', info?: AbortInfo): void {
    if (this.ended) return;
    this.ended = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (how === 'aborted') {
      this.reader.abort(new Error(`association aborted: ${info?.message ?? 'unknown reason'}`));
      this.emit('aborted', info!);
    } else {
      this.emit('released');
    }
  }
}
