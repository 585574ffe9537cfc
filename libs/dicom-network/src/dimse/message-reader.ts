/**
 * Reassembles DIMSE messages from the PDVs of one association (PS3.8 Annex E.1) and hands each
 * data set on as a stream while it arrives, so that a C-STORE data set never has to fit in memory.
 */
import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import type { PresentationDataValue } from '../pdu/types';
import { decodeCommand } from './command-set';
import { DimseProtocolError } from './errors';
import type { DimseCommand } from './messages';

export interface DimseMessage {
  contextId: number;
  command: DimseCommand;
  /** The data set bytes in the context's transfer syntax, or null when the command announced none. */
  dataSet: Readable | null;
}

export interface DimseMessageReaderOptions {
  /** Bytes a data set stream buffers before push() asks the caller to pause the socket. */
  highWaterMark?: number;
  /** Largest command set accepted; command sets are a few hundred bytes in practice. */
  maxCommandLength?: number;
}

export const DEFAULT_DATA_SET_HIGH_WATER_MARK = 512 * 1024;
export const DEFAULT_MAX_COMMAND_LENGTH = 64 * 1024;

/** The data set being received, with the presentation context its command came on. */
interface IncomingDataSet {
  contextId: number;
  stream: DataSetStream;
}

/** Events of the reader, typed through Node's generic EventEmitter. */
interface DimseMessageReaderEvents {
  message: [DimseMessage];
  drain: [];
}

/**
 * Fed with the PDVs of P-DATA-TF PDUs in arrival order.
 *
 * Events: `'message'` once a command set is complete, before any of its data set arrives;
 * `'drain'` when the consumer of a data set wants more after push() returned false.
 */
export class DimseMessageReader extends EventEmitter<DimseMessageReaderEvents> {
  private readonly highWaterMark: number;
  private readonly maxCommandLength: number;
  private commandFragments: Buffer[] = [];
  private commandLength = 0;
  private commandContextId: number | null = null;
  private dataSet: IncomingDataSet | null = null;
  private awaitingDrain = false;
  private aborted = false;

  constructor(options: DimseMessageReaderOptions = {}) {
    super();
    this.highWaterMark = options.highWaterMark ?? DEFAULT_DATA_SET_HIGH_WATER_MARK;
    this.maxCommandLength = options.maxCommandLength ?? DEFAULT_MAX_COMMAND_LENGTH;
  }

  /** True between messages: no command set or data set is partly received. */
  get idle(): boolean {
    return this.commandContextId === null && this.dataSet === null;
  }

  /**
   * Takes the next PDV. Returns false when the consumer of the current data set is slow: the
   * caller then stops reading the socket until `'drain'`. Throws DimseDecodeError or
   * DimseProtocolError when the peer broke the rules; the caller then aborts the association
   * (the data set stream in progress has already been failed with the same error).
   */
  push(pdv: PresentationDataValue): boolean {
    if (this.aborted) throw new DimseProtocolError('PDV received after the reader was aborted');
    try {
      return pdv.isCommand ? this.pushCommand(pdv) : this.pushData(pdv);
    } catch (err) {
      this.abort(err as Error);
      throw err;
    }
  }

  /**
   * The association ended (A-ABORT, socket closed, protocol error): the data set in progress ends
   * with `err`, so that its consumer never takes a truncated data set for a complete one.
   */
  abort(err: Error): void {
    this.aborted = true;
    this.awaitingDrain = false;
    this.commandFragments = [];
    this.commandLength = 0;
    this.commandContextId = null;
    const dataSet = this.dataSet;
    this.dataSet = null;
    dataSet?.stream.destroy(err);
  }

  private pushCommand(pdv: PresentationDataValue): boolean {
    if (this.dataSet !== null) {
      // PS3.8 Annex E.1: no fragment of another message until all fragments of this one were sent.
      throw new DimseProtocolError(
        `command fragment on context ${pdv.contextId} while the data set of the previous message ` +
          `on context ${this.dataSet.contextId} is incomplete`,
      );
    }
    if (this.commandContextId !== null && pdv.contextId !== this.commandContextId) {
      // PS3.8 Annex E.1: every fragment of a message uses the same presentation context.
      throw new DimseProtocolError(
        `command fragment on context ${pdv.contextId} continues a command set ` +
          `begun on context ${this.commandContextId}`,
      );
    }
    const fragment = toBuffer(pdv.data);
    if (this.commandLength + fragment.length > this.maxCommandLength) {
      throw new DimseProtocolError(`command set exceeds ${this.maxCommandLength} bytes`);
    }
    this.commandContextId = pdv.contextId;
    this.commandFragments.push(fragment);
    this.commandLength += fragment.length;
    if (!pdv.isLast) return true;

    const bytes =
      this.commandFragments.length === 1 ? fragment : Buffer.concat(this.commandFragments, this.commandLength);
    this.commandFragments = [];
    this.commandLength = 0;
    this.commandContextId = null;
    const command = decodeCommand(bytes);

    let stream: DataSetStream | null = null;
    if (command.hasDataSet) {
      stream = new DataSetStream(this.highWaterMark, () => this.onConsumerReady(stream));
      stream.once('close', () => this.onConsumerReady(stream));
      this.dataSet = { contextId: pdv.contextId, stream };
    }
    this.emit('message', { contextId: pdv.contextId, command, dataSet: stream });
    return true;
  }

  private pushData(pdv: PresentationDataValue): boolean {
    const dataSet = this.dataSet;
    if (dataSet === null) {
      throw new DimseProtocolError(
        this.commandContextId === null
          ? `data fragment on context ${pdv.contextId} without a command announcing a data set`
          : `data fragment on context ${pdv.contextId} before the command set was complete`,
      );
    }
    if (pdv.contextId !== dataSet.contextId) {
      // PS3.8 Annex E.1: the data set travels on the presentation context of its command.
      throw new DimseProtocolError(
        `data fragment on context ${pdv.contextId} for a command received on context ${dataSet.contextId}`,
      );
    }
    if (pdv.isLast) this.dataSet = null;

    const { stream } = dataSet;
    // A consumer that gave up (destroyed its stream) has the rest of its data set discarded, and
    // the socket keeps flowing so that the next message can be read.
    if (stream.destroyed) return true;
    let wantsMore = true;
    if (pdv.data.length > 0) wantsMore = stream.push(toBuffer(pdv.data));
    if (pdv.isLast) stream.push(null);
    if (!wantsMore) this.awaitingDrain = true;
    return wantsMore;
  }

  /**
   * The consumer asked for more (`_read`) or closed its stream: a paused socket may resume.
   * After the last fragment `_read` is not called again, so 'close' (which follows 'end' once
   * everything was read) is what releases a socket paused on the last fragment.
   */
  private onConsumerReady(stream: DataSetStream | null): void {
    if (!this.awaitingDrain || this.aborted || stream === null) return;
    if (this.dataSet !== null && this.dataSet.stream !== stream) return;
    this.awaitingDrain = false;
    this.emit('drain');
  }
}

/** A byte stream whose `_read` is the consumer's request for more. */
class DataSetStream extends Readable {
  constructor(
    highWaterMark: number,
    private readonly onRead: () => void,
  ) {
    super({ highWaterMark });
  }

  override _read(): void {
    this.onRead();
  }
}

/** A view on the same memory: PDV data is never copied on its way to the consumer. */
function toBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
