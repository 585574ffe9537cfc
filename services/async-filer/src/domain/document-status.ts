/**
 * States of a queued document (the engine's BatchedDocument): Queued until delivered, Ignored when
 * the filer's condition does not hold, Delivered on a C-STORE-RSP success or warning (PS3.7 Annex C),
 * Errored on a failure status or when the document cannot be sent at all.
 */
export const DOCUMENT_STATUSES = ['Queued', 'Ignored', 'Delivered', 'Errored'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

export function isDocumentStatus(value: unknown): value is DocumentStatus {
  return typeof value === 'string' && (DOCUMENT_STATUSES as readonly string[]).includes(value);
}
