import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { decodePDataTfPieces, decodePdu, encodePDataTf, encodePdu } from '../pdu/codec';
import { PduDecodeError } from '../pdu/errors';
import { PduFramer, type FramedPdu } from '../pdu/framer';
import {
  AbortReason,
  AbortSource,
  AssociateAcPdu,
  AssociateRjPdu,
  AssociateRqPdu,
  MAX_ASSOCIATE_PDU_LENGTH,
  Pdu,
  PduType,
  PresentationDataValue,
} from '../pdu/types';
import { UlEffect, UlEvent, UlState, transition } from '../upper-layer';

export interface UpperLayerTimers {
  /** PS3.8 §9.1.5: ARTIM, the association request/reject/release timer. */
  artimMs: number;
  /** Our TXTIM: how long a PDU may take from its first byte to its last (guards against trickling peers). */
  txtimMs: number;
}

export interface UpperLayerOptions extends UpperLayerTimers {
  role: 'acceptor' | 'requestor';
  /** Our 51H maximum length: the largest P-DATA-TF variable field we accept. */
  maxPduLength: number;
  /**
   * Acceptor: when TCP accepted the connection (performance.now()). ARTIM's first run counts from
   * then, so that on a TLS port the handshake and the A-ASSOCIATE-RQ share one timer (PS3.8 §9.1.5).
   */
  acceptedAt?: number;
}

export type AbortInfo = {
  /** Who ended the association: the peer (A-ABORT PDU), us (local request), or the provider. */
  by: 'peer' | 'local' | 'provider';
  source: number;
  reason: number;
  message: string;
};

/** Primitives raised to the service user (PS3.8 §7). */
export interface UpperLayerEvents {
  'associate-indication': [AssociateRqPdu];
  'associate-accepted': [AssociateAcPdu];
  'associate-rejected': [AssociateRjPdu];
  'pdata': [PresentationDataValue[]];
  'release-indication': [{ collision: boolean }];
  'release-confirm': [];
  'abort': [AbortInfo];
  'closed': [];
  'trace': [{ direction: 'in' | 'out'; pdu: Pdu | { type: 'P-DATA-TF'; bytes: number } }];
}

/**
 * Runs the pure PS3.8 §9.2 state machine over one transport connection: it turns socket input,
 * timers and local primitives into events, and performs the effects the machine returns.
 */
export class UpperLayerConnection extends EventEmitter<UpperLayerEvents> {
  private state: UlState = 'Sta1';
  private readonly framer: PduFramer;
  private artim: NodeJS.Timeout | null = null;
  private pduTimer: NodeJS.Timeout | null = null;
  private outgoing: { rq?: AssociateRqPdu; ac?: AssociateAcPdu; rj?: AssociateRjPdu; pdata?: PresentationDataValue[] } = {};
  private lastAbort: AbortInfo | null = null;
  private closedEmitted = false;
  private lastWriteOk = true;
  /** Where the next ARTIM run counts from, once: the accept time, else now. */
  private artimOrigin: number | undefined;

  constructor(
    readonly socket: Socket,
    private readonly options: UpperLayerOptions,
  ) {
    super();
    this.artimOrigin = options.acceptedAt;
    this.framer = new PduFramer({
      maxAssociatePduLength: MAX_ASSOCIATE_PDU_LENGTH,
      maxPDataPduLength: options.maxPduLength,
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.onTransportClosed());
    socket.on('error', () => {
      /* 'close' follows every error; the state machine handles it as Evt17. */
    });
  }

  get currentState(): UlState {
    return this.state;
  }

  get isEstablished(): boolean {
    return this.state === 'Sta6';
  }

  /** Acceptor: the transport connection was accepted (Evt5). */
  startAsAcceptor(): void {
    this.dispatch({ type: 'Evt5' });
  }

  /** Requestor: A-ASSOCIATE request (Evt1) on a socket that is already connected (Evt2). */
  requestAssociation(rq: AssociateRqPdu): void {
    this.outgoing.rq = rq;
    this.dispatch({ type: 'Evt1' });
    this.dispatch({ type: 'Evt2' });
  }

  accept(ac: AssociateAcPdu): void {
    this.outgoing.ac = ac;
    this.dispatch({ type: 'Evt7' });
  }

  reject(rj: AssociateRjPdu): void {
    this.outgoing.rj = rj;
    this.dispatch({ type: 'Evt8' });
  }

  /** P-DATA request (Evt9). Returns false when the socket's buffer is full: wait for 'drain'. */
  sendPData(values: PresentationDataValue[]): boolean {
    // PS3.8 Table 9-10: P-DATA may only be requested in Sta6, or Sta8 while answering a release.
    if (this.state !== 'Sta6' && this.state !== 'Sta8') {
      throw new Error(`cannot send P-DATA: association is not established (${this.state})`);
    }
    this.outgoing.pdata = values;
    this.lastWriteOk = true;
    this.dispatch({ type: 'Evt9' });
    return this.lastWriteOk;
  }

  waitDrain(): Promise<void> {
    if (!this.socket.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  releaseRequest(): void {
    this.dispatch({ type: 'Evt11' });
  }

  releaseResponse(): void {
    this.dispatch({ type: 'Evt14' });
  }

  /** A-ABORT request from the local user (Evt15). */
  abort(message = 'aborted by local user'): void {
    this.lastAbort = { by: 'local', source: AbortSource.ServiceUser, reason: AbortReason.NotSpecified, message };
    this.dispatch({ type: 'Evt15' });
  }

  /** Backpressure from the consumer of P-DATA: stop reading the socket. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  private onData(chunk: Buffer): void {
    let frames: FramedPdu[];
    try {
      frames = this.framer.push(chunk);
    } catch (err) {
      this.onInvalidPdu(err);
      return;
    }
    this.armPduDeadline();
    for (const frame of frames) {
      if (this.state === 'Sta1' || this.closedEmitted) return;
      let pdu: Pdu;
      try {
        pdu = frame.type === PduType.PData ? decodePDataTfPieces(frame.pieces) : decodePdu(frame.pieces[0]);
      } catch (err) {
        this.onInvalidPdu(err);
        return;
      }
      this.emit('trace', { direction: 'in', pdu: pdu.type === 'P-DATA-TF' ? { type: pdu.type, bytes: byteLength(frame.pieces) } : pdu });
      this.dispatch(this.eventForPdu(pdu));
    }
  }

  private eventForPdu(pdu: Pdu): UlEvent {
    switch (pdu.type) {
      case 'A-ASSOCIATE-RQ':
        this.incomingRq = pdu;
        return { type: 'Evt6', acceptableToProvider: this.providerAccepts(pdu) };
      case 'A-ASSOCIATE-AC':
        this.incomingAc = pdu;
        return { type: 'Evt3' };
      case 'A-ASSOCIATE-RJ':
        this.incomingRj = pdu;
        return { type: 'Evt4' };
      case 'P-DATA-TF':
        this.incomingPData = pdu.values;
        return { type: 'Evt10' };
      case 'A-RELEASE-RQ':
        return { type: 'Evt12' };
      case 'A-RELEASE-RP':
        return { type: 'Evt13' };
      case 'A-ABORT':
        this.lastAbort = { by: 'peer', source: pdu.source, reason: pdu.reason, message: 'A-ABORT received from peer' };
        return { type: 'Evt16', source: pdu.source };
    }
  }

  private incomingRq: AssociateRqPdu | null = null;
  private incomingAc: AssociateAcPdu | null = null;
  private incomingRj: AssociateRjPdu | null = null;
  private incomingPData: PresentationDataValue[] = [];

  /**
   * PS3.8 §9.2 AE-6: the service-provider may refuse an A-ASSOCIATE-RQ before the user sees it.
   * PS3.8 §9.3.2: bit 0 of the protocol version must be set (version 1).
   */
  private providerAccepts(rq: AssociateRqPdu): boolean {
    if ((rq.protocolVersion & 0x0001) !== 0) return true;
    this.outgoing.rj = { type: 'A-ASSOCIATE-RJ', result: 1, source: 2, reason: 2 };
    return false;
  }

  private onInvalidPdu(err: unknown): void {
    const reason = err instanceof PduDecodeError ? err.abortReason : AbortReason.InvalidPduParameterValue;
    const message = err instanceof Error ? err.message : String(err);
    this.lastAbort = { by: 'provider', source: AbortSource.ServiceProvider, reason, message };
    this.socket.pause();
    this.dispatch({ type: 'Evt19', abortReason: reason });
  }

  private onTransportClosed(): void {
    this.clearTimers();
    if (this.state !== 'Sta1') {
      if (!this.lastAbort && this.state !== 'Sta13') {
        this.lastAbort = {
          by: 'provider',
          source: AbortSource.ServiceProvider,
          reason: AbortReason.NotSpecified,
          message: 'transport connection closed by peer',
        };
      }
      this.dispatch({ type: 'Evt17' });
    }
    this.state = 'Sta1';
    if (!this.closedEmitted) {
      this.closedEmitted = true;
      this.emit('closed');
    }
  }

  private dispatch(event: UlEvent): void {
    const { next, effects } = transition(this.state, event, { isRequestor: this.options.role === 'requestor' });
    this.state = next;
    for (const effect of effects) this.perform(effect, event);
  }

  private perform(effect: UlEffect, event: UlEvent): void {
    switch (effect.kind) {
      case 'transport-connect':
      case 'transport-accept':
        return; // sockets are connected (or accepted) before the machine hears of them
      case 'send-associate-rq':
        return this.write(this.outgoing.rq!);
      case 'send-associate-ac':
        return this.write(this.outgoing.ac!);
      case 'send-associate-rj':
        return this.write(this.outgoing.rj!);
      case 'send-pdata':
        return this.writePData(this.outgoing.pdata ?? []);
      case 'send-release-rq':
        return this.write({ type: 'A-RELEASE-RQ' });
      case 'send-release-rp':
        return this.write({ type: 'A-RELEASE-RP' });
      case 'send-abort':
        return this.write({
          type: 'A-ABORT',
          source: effect.source === 'service-user' ? AbortSource.ServiceUser : AbortSource.ServiceProvider,
          reason: effect.source === 'service-user' ? 0 : effect.reason,
        });
      case 'start-artim':
        return this.startArtim();
      case 'stop-artim':
        return this.stopArtim();
      case 'close-transport':
        return this.closeTransport();
      case 'indicate':
        return this.indicate(effect.primitive, event);
      case 'ignore':
        return;
    }
  }

  private indicate(primitive: Extract<UlEffect, { kind: 'indicate' }>['primitive'], event: UlEvent): void {
    switch (primitive) {
      case 'A-ASSOCIATE-indication':
        return void this.emit('associate-indication', this.incomingRq!);
      case 'A-ASSOCIATE-confirm-accept':
        return void this.emit('associate-accepted', this.incomingAc!);
      case 'A-ASSOCIATE-confirm-reject':
        return void this.emit('associate-rejected', this.incomingRj!);
      case 'P-DATA-indication':
        return void this.emit('pdata', this.incomingPData);
      case 'A-RELEASE-indication':
        return void this.emit('release-indication', { collision: false });
      case 'A-RELEASE-indication-collision':
        return void this.emit('release-indication', { collision: true });
      case 'A-RELEASE-confirm':
        return void this.emit('release-confirm');
      case 'A-ABORT-indication':
      case 'A-P-ABORT-indication':
        return void this.emit('abort', this.abortInfo(primitive, event));
    }
  }

  private abortInfo(primitive: string, event: UlEvent): AbortInfo {
    if (this.lastAbort) return this.lastAbort;
    const reason = event.type === 'Evt19' ? event.abortReason : AbortReason.UnexpectedPdu;
    return {
      by: primitive === 'A-ABORT-indication' ? 'peer' : 'provider',
      source: AbortSource.ServiceProvider,
      reason,
      message: `unexpected ${event.type} in ${this.state}`,
    };
  }

  private write(pdu: Pdu): void {
    if (this.socket.destroyed || !this.socket.writable) return;
    this.emit('trace', { direction: 'out', pdu });
    this.lastWriteOk = this.socket.write(encodePdu(pdu));
  }

  private writePData(values: PresentationDataValue[]): void {
    if (this.socket.destroyed || !this.socket.writable) {
      this.lastWriteOk = true;
      return;
    }
    const bytes = encodePDataTf(values);
    this.emit('trace', { direction: 'out', pdu: { type: 'P-DATA-TF', bytes: bytes.length } });
    this.lastWriteOk = this.socket.write(bytes);
  }

  private closeTransport(): void {
    this.clearTimers();
    // Flush what was written (an A-ABORT or A-ASSOCIATE-RJ), then close; destroy if the peer stalls.
    this.socket.end();
    const force = setTimeout(() => this.socket.destroy(), this.options.artimMs);
    force.unref();
    this.socket.once('close', () => clearTimeout(force));
  }

  private startArtim(): void {
    this.stopArtim();
    const spent = this.artimOrigin === undefined ? 0 : performance.now() - this.artimOrigin;
    this.artimOrigin = undefined;
    this.artim = setTimeout(() => {
      this.artim = null;
      this.lastAbort ??= {
        by: 'provider',
        source: AbortSource.ServiceProvider,
        reason: AbortReason.NotSpecified,
        message: 'ARTIM timer expired',
      };
      this.dispatch({ type: 'Evt18' });
    }, Math.max(0, this.options.artimMs - spent));
    this.artim.unref();
  }

  private stopArtim(): void {
    if (this.artim) clearTimeout(this.artim);
    this.artim = null;
  }

  /**
   * TXTIM guard against trickling peers: a PDU must arrive in full within TXTIM of its first byte.
   * Time spent paused by our own backpressure does not count.
   */
  private armPduDeadline(): void {
    if (this.framer.bufferedBytes === 0) {
      if (this.pduTimer) clearTimeout(this.pduTimer);
      this.pduTimer = null;
      return;
    }
    if (this.pduTimer) return;
    this.pduTimer = setTimeout(() => {
      this.pduTimer = null;
      if (this.socket.isPaused()) return this.armPduDeadline();
      this.lastAbort = {
        by: 'provider',
        source: AbortSource.ServiceProvider,
        reason: AbortReason.NotSpecified,
        message: `PDU not completed within ${this.options.txtimMs} ms`,
      };
      this.dispatch({ type: 'Evt15' });
    }, this.options.txtimMs);
    this.pduTimer.unref();
  }

  private clearTimers(): void {
    this.stopArtim();
    if (this.pduTimer) clearTimeout(this.pduTimer);
    this.pduTimer = null;
  }
}

const byteLength = (pieces: readonly Buffer[]): number => pieces.reduce((sum, piece) => sum + piece.length, 0);
