import type { DicomJson } from './dicom-json';

/**
 * The port through which the gateway asks for worklist matches: in-process when every service
 * runs in one process, over NATS otherwise. Matches arrive one by one as they are produced.
 */
export interface WorklistFindRequest {
  /** The C-FIND identifier, already decoded and checked by the gateway. */
  identifier: DicomJson;
  associationId: string;
  callingAet: string;
  calledAet: string;
}

export type WorklistFindMessage =
  /** One match: PS3.4 C.4.1.1.4 Pending, FF00H, or FF01H when some optional keys were not supported. */
  | { kind: 'match'; identifier: DicomJson; status: number }
  /** The end: Success (0000H), Refused: Out of Resources (A700H) past the match limit, or a failure. */
  | { kind: 'done'; status: number; matchCount: number; errorComment?: string };

export interface WorklistFinder {
  /** Stops producing matches when `signal` aborts (C-CANCEL, association gone). */
  find(request: WorklistFindRequest, signal: AbortSignal): AsyncIterable<WorklistFindMessage>;
}

/** Injection token for the in-process WorklistFinder (a symbol, so this library needs no framework). */
export const WORKLIST_FINDER = Symbol.for('dicom-router.worklist-finder');

/** PS3.4 C.4.1.1.4 statuses the worklist service answers with. */
export const FindStatus = {
  Success: 0x0000,
  Pending: 0xff00,
  PendingWarning: 0xff01,
  Cancel: 0xfe00,
  OutOfResources: 0xa700,
  IdentifierDoesNotMatchSopClass: 0xa900,
  UnableToProcess: 0xc000,
} as const;
