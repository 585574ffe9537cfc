import type { OverLimitPolicy } from '@dicom-router/config';

/** production.yaml `worklist` (docs/architecture.md §4) plus the matching option of the conformance statement. */
export interface FindSettings {
  /** Most matches answered for one C-FIND request. */
  maxMatches: number;
  /**
   * Past maxMatches: `refuse` answers A700H (Refused: Out of Resources) before any match, so the
   * modality narrows its query; `truncate` sends the first maxMatches, then Success.
   */
  overLimitPolicy: OverLimitPolicy;
  /** PN keys match regardless of case (PS3.4 C.2.2.2.1 leaves this to the SCP to document). */
  caseInsensitivePersonNames: boolean;
}

export const DEFAULT_FIND_SETTINGS: FindSettings = { maxMatches: 1000, overLimitPolicy: 'refuse', caseInsensitivePersonNames: false };
