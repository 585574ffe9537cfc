import type { Readable } from 'node:stream';
import type { AcceptedContext } from '../association/negotiation';
import type { DimseCommand } from '../dimse';
import type { AssociationInfo } from './dimse-association';

/** What the network hands the domain for one request: who asked, on which context, what. */
export interface DimseRequest<C extends DimseCommand['commandField']> {
  association: AssociationInfo;
  contextId: number;
  context: AcceptedContext;
  command: Extract<DimseCommand, { commandField: C }>;
}

/** The outcome of one operation, turned into a DIMSE response by the service provider. */
export interface DimseOutcome {
  status: number;
  /** PS3.7 C.4: (0000,0902) Error Comment, at most 64 characters. */
  errorComment?: string;
}

/** Sends C-FIND pending responses (PS3.4 C.4.1.3.1): one identifier at a time, as matches arrive. */
export interface FindResponder {
  /** Resolves once the pending response is handed to the socket (backpressure). */
  pending(identifier: Buffer, status?: number): Promise<void>;
  /** Aborted when the peer sends C-CANCEL-RQ (PS3.7 §9.3.2.3) or the association ends. */
  readonly signal: AbortSignal;
}

/**
 * The one seam between the network and the domain (after fo-dicom's IDicomCStoreProvider):
 * a handler per DIMSE service. Throwing a DimseFailure is the domain's way to pick a status.
 */
export interface DimseServiceHandlers {
  onCEcho?(request: DimseRequest<'C-ECHO-RQ'>): Promise<DimseOutcome>;
  /** The data set streams in with backpressure; resolve only when it is safe (docs/architecture.md §5). */
  onCStore?(request: DimseRequest<'C-STORE-RQ'>, dataSet: Readable): Promise<DimseOutcome>;
  onCFind?(request: DimseRequest<'C-FIND-RQ'>, identifier: Buffer, responder: FindResponder): Promise<DimseOutcome>;
}

/** A domain failure carrying the DIMSE status it maps to. */
export class DimseFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'DimseFailure';
  }
}
