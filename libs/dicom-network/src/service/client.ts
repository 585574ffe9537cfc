import type { Readable } from 'node:stream';
import { acceptedContextsById, AcceptedContext } from '../association/negotiation';
import { DimseCommand, Priority, type CStoreRsp, type PriorityCode } from '../dimse';
import {
  AssociateAcPdu,
  AssociateRjPdu,
  AssociateRqPdu,
  DICOM_APPLICATION_CONTEXT,
  type PresentationContextResultCode,
} from '../pdu/types';
import { ConnectOptions, connectSocket } from '../transport/connect';
import { AbortInfo, UpperLayerConnection } from '../transport/upper-layer-connection';
import { AssociationInfo, DimseAssociation, IncomingMessage } from './dimse-association';
import type { ImplementationIdentity } from './service-provider';

export const VERIFICATION_SOP_CLASS = '1.2.840.10008.1.1';
export const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

export interface ClientOptions extends ConnectOptions {
  callingAet: string;
  calledAet: string;
  /** Presentation contexts to propose; ids are assigned in order (1, 3, 5, …: PS3.8 §9.3.2.2). */
  presentationContexts: ReadonlyArray<{ abstractSyntax: string; transferSyntaxes: readonly string[] }>;
  implementation: ImplementationIdentity;
  /** Our 51H value. */
  maxPduLength?: number;
  /** How long to wait for A-ASSOCIATE-AC/RJ and A-RELEASE-RP. */
  acseTimeoutMs?: number;
  /** How long to wait for each DIMSE response. */
  dimseTimeoutMs?: number;
  /** Completion deadline for one incoming PDU. */
  txtimMs?: number;
}

export class AssociationRejectedError extends Error {
  constructor(readonly rj: AssociateRjPdu) {
    super(`association rejected: result ${rj.result}, source ${rj.source}, reason ${rj.reason}`);
    this.name = 'AssociationRejectedError';
  }
}

export class AssociationAbortedError extends Error {
  constructor(readonly abort: AbortInfo) {
    super(`association aborted (${abort.by}): ${abort.message}`);
    this.name = 'AssociationAbortedError';
  }
}

const DEFAULT_MAX_PDU = 256 * 1024;

/** The requestor side (SCU): opens an association and exchanges DIMSE messages over it. */
export class DicomClient {
  static async connect(options: ClientOptions): Promise<ClientAssociation> {
    const socket = await connectSocket(options);
    const acseTimeoutMs = options.acseTimeoutMs ?? 30_000;
    const connection = new UpperLayerConnection(socket, {
      role: 'requestor',
      artimMs: acseTimeoutMs,
      txtimMs: options.txtimMs ?? 30_000,
      maxPduLength: options.maxPduLength ?? DEFAULT_MAX_PDU,
    });
    const rq: AssociateRqPdu = {
      type: 'A-ASSOCIATE-RQ',
      protocolVersion: 1,
      calledAeTitle: options.calledAet,
      callingAeTitle: options.callingAet,
      applicationContextName: DICOM_APPLICATION_CONTEXT,
      presentationContexts: options.presentationContexts.map((pc, i) => ({
        id: 2 * i + 1,
        abstractSyntax: pc.abstractSyntax,
        transferSyntaxes: [...pc.transferSyntaxes],
      })),
      userInformation: {
        maxPduLength: options.maxPduLength ?? DEFAULT_MAX_PDU,
        implementationClassUid: options.implementation.classUid,
        implementationVersionName: options.implementation.versionName,
      },
    };
    const ac = await new Promise<AssociateAcPdu>((resolve, reject) => {
      const timer = setTimeout(() => {
        connection.abort('no A-ASSOCIATE response in time');
        reject(new Error(`no A-ASSOCIATE-AC/RJ within ${acseTimeoutMs} ms`));
      }, acseTimeoutMs);
      const settle = (): void => clearTimeout(timer);
      connection.once('associate-accepted', (pdu) => (settle(), resolve(pdu)));
      connection.once('associate-rejected', (pdu) => (settle(), reject(new AssociationRejectedError(pdu))));
      connection.once('abort', (info) => (settle(), reject(new AssociationAbortedError(info))));
      connection.once('closed', () => (settle(), reject(new Error('connection closed during association negotiation'))));
      connection.requestAssociation(rq);
    });
    const contexts = acceptedContextsById(rq.presentationContexts, ac.presentationContexts);
    const association = new DimseAssociation(connection, rq, ac, contexts, 0, true);
    const negotiated = rq.presentationContexts.map((pc): NegotiatedContext => {
      const answer = ac.presentationContexts.find((a) => a.id === pc.id);
      return {
        id: pc.id,
        abstractSyntax: pc.abstractSyntax,
        proposedTransferSyntaxes: pc.transferSyntaxes,
        // PS3.8 §9.3.3.2: a context the acceptor did not answer counts as rejected without reason.
        result: answer ? answer.result : 2,
        transferSyntax: answer?.transferSyntax ?? '',
      };
    });
    return new ClientAssociation(association, options.dimseTimeoutMs ?? 60_000, acseTimeoutMs, negotiated);
  }
}

/** One proposed presentation context and the acceptor's answer (PS3.8 Table 9-18). */
export interface NegotiatedContext {
  id: number;
  abstractSyntax: string;
  proposedTransferSyntaxes: readonly string[];
  result: PresentationContextResultCode;
  /** The accepted transfer syntax; empty unless `result` is 0 (acceptance). */
  transferSyntax: string;
}

/** A C-STORE request whose data set streams from `dataSet` (PS3.7 §9.1.1). */
export interface CStoreRequest {
  sopClassUid: string;
  sopInstanceUid: string;
  /** The data set's encoding: a context accepted with exactly this transfer syntax carries it. */
  transferSyntaxUid: string;
  /** The data set bytes, already in `transferSyntaxUid`; read with backpressure, never buffered whole. */
  dataSet: Readable | Buffer;
  priority?: PriorityCode;
}

/** The C-STORE-RSP as the peer sent it (PS3.7 §9.3.1.2). */
export interface CStoreResult {
  status: number;
  errorComment?: string;
  errorId?: number;
  offendingElement?: number[];
}

export interface DimseResponse {
  command: DimseCommand;
  dataSet: Readable | null;
}

/** An established association on which we are the SCU. */
export class ClientAssociation {
  private nextMessageId = 1;
  private readonly waiting = new Map<number, (response: IncomingMessage) => void>();
  private failure: Error | null = null;

  constructor(
    private readonly association: DimseAssociation,
    private readonly dimseTimeoutMs: number,
    private readonly acseTimeoutMs: number,
    /** Every proposed presentation context with the acceptor's result. */
    readonly negotiated: readonly NegotiatedContext[] = [],
  ) {
    association.on('message', (message) => {
      const id = 'messageIdBeingRespondedTo' in message.command ? message.command.messageIdBeingRespondedTo : -1;
      const deliver = this.waiting.get(id);
      if (deliver) deliver(message);
      else association.abort(`unexpected ${message.command.commandField} (message id ${id})`);
    });
    association.on('aborted', (info) => {
      this.failure = new AssociationAbortedError(info);
    });
  }

  get info(): AssociationInfo {
    return this.association.info;
  }

  /** Accepted presentation context for an abstract syntax, optionally with a given transfer syntax. */
  contextFor(abstractSyntax: string, transferSyntax?: string): AcceptedContext | undefined {
    for (const c of this.association.info.contexts.values()) {
      if (c.abstractSyntax === abstractSyntax && (!transferSyntax || c.transferSyntax === transferSyntax)) return c;
    }
    return undefined;
  }

  allocateMessageId(): number {
    const id = this.nextMessageId;
    this.nextMessageId = id >= 0xffff ? 1 : id + 1;
    return id;
  }

  /** PS3.7 §9.1.5: C-ECHO; resolves with the status and the round-trip time. */
  async echo(): Promise<{ status: number; roundTripMs: number }> {
    const context = this.contextFor(VERIFICATION_SOP_CLASS);
    if (!context) throw new Error('the peer did not accept the Verification SOP Class');
    const messageId = this.allocateMessageId();
    const started = process.hrtime.bigint();
    const response = await this.request(context.id, {
      commandField: 'C-ECHO-RQ',
      messageId,
      affectedSopClassUid: VERIFICATION_SOP_CLASS,
      hasDataSet: false,
    } as DimseCommand);
    const roundTripMs = Number(process.hrtime.bigint() - started) / 1e6;
    return { status: (response.command as { status: number }).status, roundTripMs };
  }

  /**
   * PS3.7 §9.1.1: C-STORE of a data set already encoded in `transferSyntaxUid`, on a presentation
   * context accepted with exactly that transfer syntax (no conversion). The data set is fragmented
   * to the peer's Maximum Length (PS3.8 D.1) as it is read. Throws when no such context was accepted.
   */
  async store(request: CStoreRequest): Promise<CStoreResult> {
    const context = this.contextFor(request.sopClassUid, request.transferSyntaxUid);
    if (!context) {
      throw new Error(
        `no presentation context accepted for ${request.sopClassUid} in transfer syntax ${request.transferSyntaxUid}`,
      );
    }
    const response = await this.request(
      context.id,
      {
        commandField: 'C-STORE-RQ',
        messageId: this.allocateMessageId(),
        affectedSopClassUid: request.sopClassUid,
        affectedSopInstanceUid: request.sopInstanceUid,
        priority: request.priority ?? Priority.Medium,
        hasDataSet: true,
      },
      request.dataSet,
    );
    response.dataSet?.resume();
    const rsp = response.command as CStoreRsp;
    return {
      status: rsp.status,
      ...(rsp.errorComment === undefined ? {} : { errorComment: rsp.errorComment }),
      ...(rsp.errorId === undefined ? {} : { errorId: rsp.errorId }),
      ...(rsp.offendingElement === undefined ? {} : { offendingElement: rsp.offendingElement }),
    };
  }

  /**
   * Send one request and wait for its final response. Pending responses (PS3.7 Annex C: FF00H,
   * FF01H) go to `onPending` as they arrive.
   */
  async request(
    contextId: number,
    command: DimseCommand,
    dataSet: Readable | Buffer | null = null,
    onPending?: (response: DimseResponse) => Promise<void> | void,
  ): Promise<DimseResponse> {
    if (this.failure) throw this.failure;
    const messageId = (command as { messageId: number }).messageId;
    const awaited = this.awaitResponse(messageId, onPending);
    try {
      await this.association.send(contextId, command, dataSet);
    } catch (err) {
      awaited.cancel();
      throw this.failure ?? err;
    }
    const message = await awaited.response;
    return { command: message.command, dataSet: message.dataSet };
  }

  private awaitResponse(
    messageId: number,
    onPending?: (response: DimseResponse) => Promise<void> | void,
  ): { response: Promise<IncomingMessage>; cancel(): void } {
    let cancel = (): void => undefined;
    const response = new Promise<IncomingMessage>((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiting.delete(messageId);
        this.association.off('aborted', onAbort);
      };
      const timer = setTimeout(() => {
        cleanup();
        this.association.abort(`no response to message ${messageId} within ${this.dimseTimeoutMs} ms`);
        reject(new Error(`no DIMSE response within ${this.dimseTimeoutMs} ms`));
      }, this.dimseTimeoutMs);
      const onAbort = (info: AbortInfo): void => {
        cleanup();
        reject(new AssociationAbortedError(info));
      };
      cancel = cleanup;
      this.association.once('aborted', onAbort);
      this.waiting.set(messageId, (message) => {
        const status = (message.command as { status?: number }).status ?? 0;
        if (status === 0xff00 || status === 0xff01) {
          timer.refresh();
          void Promise.resolve(onPending?.({ command: message.command, dataSet: message.dataSet }));
          return;
        }
        cleanup();
        resolve(message);
      });
    });
    // The response may fail (abort, timeout) while the request is still being sent.
    response.catch(() => undefined);
    return { response, cancel };
  }

  /** PS3.8 §7.2: orderly release; resolves when the peer confirmed (or the connection closed). */
  release(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.association.isOpen) return resolve();
      const timer = setTimeout(() => {
        this.association.abort('no A-RELEASE-RP in time');
        resolve();
      }, this.acseTimeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.association.once('released', done);
      this.association.once('aborted', done);
      this.association.release();
    });
  }

  abort(): void {
    this.association.abort('aborted by SCU');
  }

  /** Resolves when the transport connection is closed. */
  closed(): Promise<void> {
    return new Promise((resolve) => {
      if (this.association.connection.socket.destroyed) return resolve();
      this.association.connection.socket.once('close', () => resolve());
    });
  }
}
