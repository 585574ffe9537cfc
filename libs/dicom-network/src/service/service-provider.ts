import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { acceptedContextsById } from '../association/negotiation';
import { AssociationPolicy, AssociationRejection, Rejections } from '../association/policy';
import { DimseCommand, Status } from '../dimse';
import { AssociateAcPdu, AssociateRqPdu, DICOM_APPLICATION_CONTEXT, Pdu } from '../pdu/types';
import { AbortInfo, UpperLayerConnection, UpperLayerTimers } from '../transport/upper-layer-connection';
import { AssociationInfo, DimseAssociation, IncomingMessage } from './dimse-association';
import { DimseFailure, DimseOutcome, DimseServiceHandlers } from './handlers';
import { errorComment, responseFor } from './responses';

export interface ImplementationIdentity {
  /** PS3.7 D.3.3.2: Implementation Class UID (52H), mandatory in every A-ASSOCIATE-RQ/AC. */
  classUid: string;
  /** PS3.7 D.3.3.2: Implementation Version Name (55H), 1..16 characters. */
  versionName: string;
}

/** Hooks for logs, metrics and events; the network layer stays free of any transport to them. */
export interface AssociationObserver {
  accepted?(info: AssociationInfo): void;
  rejected?(rq: AssociateRqPdu, peer: { address: string; port: number }, rejection: AssociationRejection): void;
  released?(info: AssociationInfo): void;
  aborted?(info: AssociationInfo | null, abort: AbortInfo, peer: { address: string; port: number }): void;
  /** Every DIMSE command in and out (for metrics; logged from trace verbosity 1). */
  message?(info: AssociationInfo, direction: 'in' | 'out', command: DimseCommand): void;
  /** Trace verbosity 2: every PDU in and out. */
  pdu?(peer: { address: string; port: number }, direction: 'in' | 'out', pdu: Pdu | { type: 'P-DATA-TF'; bytes: number }): void;
  /** A handler failed in a way that is a bug, not a domain outcome. */
  handlerError?(info: AssociationInfo, error: unknown): void;
}

export interface ServiceProviderOptions extends UpperLayerTimers {
  listenerName: string;
  policy: AssociationPolicy;
  handlers: DimseServiceHandlers;
  implementation: ImplementationIdentity;
  /** Our 51H value. */
  maxPduLength: number;
  maxAssociations: number;
  /** Trace verbosity 0/1/2. */
  traceVerbosity: 0 | 1 | 2;
  observer?: AssociationObserver;
}

/** Largest C-FIND identifier we buffer; identifiers are a few hundred bytes in practice. */
const MAX_IDENTIFIER_BYTES = 1024 * 1024;

/**
 * The acceptor side: negotiates each association through the policy, then serves its DIMSE
 * requests through the handlers, one operation at a time (no asynchronous operations window).
 */
export class DicomServiceProvider {
  private readonly associations = new Set<DimseAssociation>();
  private readonly connections = new Set<UpperLayerConnection>();
  private negotiating = 0;

  constructor(private readonly options: ServiceProviderOptions) {}

  get activeAssociations(): number {
    return this.associations.size;
  }

  /** Take over an accepted transport connection (PS3.8 Evt5), accepted by TCP at `acceptedAt` (performance.now()). */
  handleConnection(socket: Socket, acceptedAt?: number): void {
    const connection = new UpperLayerConnection(socket, {
      role: 'acceptor',
      acceptedAt,
      artimMs: this.options.artimMs,
      txtimMs: this.options.txtimMs,
      maxPduLength: this.options.maxPduLength,
    });
    const peer = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    this.connections.add(connection);
    let association: DimseAssociation | null = null;
    connection.on('associate-indication', (rq) => {
      void this.negotiate(connection, rq, peer).then((a) => (association = a));
    });
    connection.on('abort', (info) => {
      if (!association) this.options.observer?.aborted?.(null, info, peer);
    });
    connection.on('closed', () => this.connections.delete(connection));
    if (this.options.traceVerbosity >= 2) {
      connection.on('trace', ({ direction, pdu }) => this.options.observer?.pdu?.(peer, direction, pdu));
    }
    connection.startAsAcceptor();
  }

  /**
   * Graceful shutdown: let open associations finish until the deadline, then A-ABORT them.
   * Connections that never associated are closed at once.
   */
  async drain(deadlineMs: number): Promise<void> {
    for (const c of this.connections) if (c.currentState === 'Sta2') c.socket.destroy();
    await waitUntil(() => this.associations.size === 0, deadlineMs);
    for (const a of this.associations) a.abort('listener shutting down');
    // PS3.8 AA-1: the A-ABORT is on its way and ARTIM runs; give peers a moment to close first.
    await waitUntil(() => this.connections.size === 0, Math.min(1000, this.options.artimMs));
    for (const c of this.connections) c.socket.destroy();
  }

  private async negotiate(
    connection: UpperLayerConnection,
    rq: AssociateRqPdu,
    peer: { address: string; port: number },
  ): Promise<DimseAssociation | null> {
    const reject = (rejection: AssociationRejection): null => {
      this.options.observer?.rejected?.(rq, peer, rejection);
      connection.reject({ type: 'A-ASSOCIATE-RJ', result: rejection.result, source: rejection.source, reason: rejection.reason });
      return null;
    };
    if (this.associations.size + this.negotiating >= this.options.maxAssociations) {
      return reject(Rejections.tooManyAssociations(this.options.maxAssociations));
    }
    this.negotiating++;
    let decision;
    try {
      decision = await this.options.policy.decide({
        rq,
        peerAddress: peer.address,
        peerPort: peer.port,
        listenerName: this.options.listenerName,
      });
    } catch {
      // PS3.8 Table 9-21: a policy we cannot reach is a transient, no-reason rejection.
      decision = { kind: 'reject' as const, rejection: { result: 2, source: 1, reason: 1, explanation: 'association policy unavailable' } };
    } finally {
      this.negotiating--;
    }
    if (connection.currentState !== 'Sta3') return null; // the peer aborted or left meanwhile
    if (decision.kind === 'reject') return reject(decision.rejection);

    const ac: AssociateAcPdu = {
      type: 'A-ASSOCIATE-AC',
      protocolVersion: 1,
      calledAeTitle: rq.calledAeTitle,
      callingAeTitle: rq.callingAeTitle,
      applicationContextName: DICOM_APPLICATION_CONTEXT,
      presentationContexts: decision.presentationContexts,
      userInformation: {
        maxPduLength: this.options.maxPduLength,
        implementationClassUid: this.options.implementation.classUid,
        implementationVersionName: this.options.implementation.versionName,
      },
    };
    const contexts = acceptedContextsById(rq.presentationContexts, decision.presentationContexts);
    connection.accept(ac);
    const association = new DimseAssociation(connection, rq, ac, contexts, this.options.txtimMs, false);
    this.track(association);
    this.options.observer?.accepted?.(association.info);
    return association;
  }

  private track(association: DimseAssociation): void {
    this.associations.add(association);
    const peer = { address: association.info.peerAddress, port: association.info.peerPort };
    association.on('released', () => this.options.observer?.released?.(association.info));
    association.on('aborted', (info) => this.options.observer?.aborted?.(association.info, info, peer));
    association.on('closed', () => this.associations.delete(association));
    new RequestDispatcher(association, this.options).start();
  }
}

/** Serves the requests of one association, in order; C-CANCEL reaches the running C-FIND. */
class RequestDispatcher {
  private queue: Promise<void> = Promise.resolve();
  private readonly cancellable = new Map<number, AbortController>();

  constructor(
    private readonly association: DimseAssociation,
    private readonly options: ServiceProviderOptions,
  ) {}

  start(): void {
    this.association.on('message', (message) => this.onMessage(message));
    this.association.on('aborted', () => {
      for (const c of this.cancellable.values()) c.abort(new Error('association aborted'));
    });
  }

  private onMessage(message: IncomingMessage): void {
    const { command } = message;
    this.trace('in', command);
    if (command.commandField === 'C-CANCEL-RQ') {
      this.cancellable.get(command.messageIdBeingRespondedTo)?.abort(new Error('cancelled by peer'));
      return;
    }
    // The data set must be consumed as it streams, so start reading it right away: queued requests
    // only happen with peers that ignore the negotiated window, and they get served in order.
    this.association.beginWork();
    this.queue = this.queue
      .then(() => this.serve(message))
      .catch((err) => this.options.observer?.handlerError?.(this.association.info, err))
      .finally(() => this.association.endWork());
  }

  private async serve(message: IncomingMessage): Promise<void> {
    const { command, dataSet } = message;
    const base = { association: this.association.info, contextId: message.contextId, context: message.context };
    const handlers = this.options.handlers;
    switch (command.commandField) {
      case 'C-ECHO-RQ': {
        await discard(dataSet);
        const outcome = await this.run(() =>
          handlers.onCEcho ? handlers.onCEcho({ ...base, command }) : Promise.resolve({ status: Status.Success }),
        );
        return this.respond(message, outcome);
      }
      case 'C-STORE-RQ': {
        if (!dataSet) return this.respond(message, { status: Status.CannotUnderstand, errorComment: 'C-STORE-RQ without a data set' });
        if (!handlers.onCStore) {
          await discard(dataSet);
          return this.respond(message, { status: Status.SopClassNotSupported, errorComment: 'no storage service on this listener' });
        }
        const outcome = await this.run(() => handlers.onCStore!({ ...base, command }, dataSet));
        await discard(dataSet);
        return this.respond(message, outcome);
      }
      case 'C-FIND-RQ': {
        const identifier = dataSet ? await readAll(dataSet, MAX_IDENTIFIER_BYTES) : null;
        if (!identifier) return this.respond(message, { status: Status.CannotUnderstand, errorComment: 'C-FIND-RQ without a readable identifier' });
        if (!handlers.onCFind) {
          return this.respond(message, { status: Status.SopClassNotSupported, errorComment: 'no worklist service on this listener' });
        }
        return this.serveFind(message, command, identifier);
      }
      default:
        await discard(dataSet);
        // PS3.7 C.5.4: an operation we do not perform (or a response we never asked for).
        this.association.abort(`unexpected ${command.commandField} from an SCU`);
    }
  }

  private async serveFind(
    message: IncomingMessage,
    command: Extract<DimseCommand, { commandField: 'C-FIND-RQ' }>,
    identifier: Buffer,
  ): Promise<void> {
    const controller = new AbortController();
    this.cancellable.set(command.messageId, controller);
    try {
      const responder = {
        signal: controller.signal,
        pending: async (match: Buffer, status: number = Status.Pending) => {
          if (controller.signal.aborted) return;
          const rsp = responseFor(command, status, undefined, true);
          this.trace('out', rsp);
          await this.association.send(message.contextId, rsp, match);
          // PS3.7 9.3.2.3 (C-CANCEL-FIND-RQ): let the socket's input in between responses. A finder in the
          // same process yields its matches without I/O, and a socket with room to write settles
          // every send at once, so without this the whole answer would go out before a
          // C-CANCEL-RQ already waiting to be read was seen.
          await new Promise<void>((resolve) => setImmediate(resolve));
        },
      };
      const outcome = await this.run(() =>
        this.options.handlers.onCFind!(
          { association: this.association.info, contextId: message.contextId, context: message.context, command },
          identifier,
          responder,
        ),
      );
      // PS3.4 C.4.1.3.1: a cancelled query ends with Cancel (FE00H), whatever the handler returned.
      const final = controller.signal.aborted ? { status: Status.Cancel } : outcome;
      await this.respond(message, final);
    } finally {
      this.cancellable.delete(command.messageId);
    }
  }

  /** The one place where thrown domain errors become DIMSE statuses. */
  private async run(operation: () => Promise<DimseOutcome>): Promise<DimseOutcome> {
    try {
      return await operation();
    } catch (err) {
      if (err instanceof DimseFailure) return { status: err.status, errorComment: err.message };
      this.options.observer?.handlerError?.(this.association.info, err);
      return { status: Status.ProcessingFailure, errorComment: errorComment(err) };
    }
  }

  private async respond(message: IncomingMessage, outcome: DimseOutcome): Promise<void> {
    if (!this.association.isOpen) return;
    const rsp = responseFor(message.command, outcome.status, outcome.errorComment, false);
    this.trace('out', rsp);
    await this.association.send(message.contextId, rsp, null);
  }

  private trace(direction: 'in' | 'out', command: DimseCommand): void {
    this.options.observer?.message?.(this.association.info, direction, command);
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

async function discard(stream: Readable | null): Promise<void> {
  if (!stream || stream.readableEnded || stream.destroyed) return;
  try {
    for await (const chunk of stream) void chunk;
  } catch {
    /* an aborted association already reported the cause */
  }
}

async function readAll(stream: Readable, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      total += (chunk as Buffer).length;
      if (total > limit) {
        await discard(stream);
        return null;
      }
      chunks.push(chunk as Buffer);
    }
  } catch {
    return null;
  }
  return Buffer.concat(chunks);
}

