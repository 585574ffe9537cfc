import type { NegotiateAssociationReplyV1, NegotiateAssociationRequestV1 } from '@dicom-router/contracts';

/**
 * The gateway's side of `dicom.commands.association.negotiate.v1`: ask the association registry,
 * hear when its associations change. Over NATS, or straight into the registry in the same process.
 */
export interface AssociationNegotiator {
  /** Rejects with RegistryUnavailableError when no answer arrives within `timeoutMs`. */
  negotiate(request: NegotiateAssociationRequestV1, timeoutMs: number): Promise<NegotiateAssociationReplyV1>;
  /**
   * `listener` runs after every registry change, and whenever a change may have been missed (the
   * connection to the registry was lost and came back).
   */
  onCacheInvalid(listener: (why: string) => void): () => void;
  close(): Promise<void>;
}

export class RegistryUnavailableError extends Error {
  override readonly name = 'RegistryUnavailableError';
}

/** Resolves with `work`, or rejects with RegistryUnavailableError once `timeoutMs` passed. */
export function withinTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RegistryUnavailableError(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
