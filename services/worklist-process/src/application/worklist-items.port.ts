import type { DicomJson, MatchOptions, WorklistIndex, WorklistQuery } from '@dicom-router/worklist';

export interface StoredItem {
  id: string;
  attributes: DicomJson;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewItem {
  attributes: DicomJson;
  index: WorklistIndex;
}

/** Items that may match a query (a superset: the exact PS3.4 match is the domain's), in id order. */
export interface CandidatePage {
  rows: Array<{ id: string; attributes: DicomJson }>;
  /** Pass back to get the next page; undefined after the last. */
  after?: string;
}

export interface WorklistItems {
  create(items: readonly NewItem[]): Promise<StoredItem[]>;
  replace(id: string, item: NewItem): Promise<StoredItem | undefined>;
  delete(id: string): Promise<boolean>;
  get(id: string): Promise<StoredItem | undefined>;
  list(offset: number, limit: number): Promise<{ total: number; items: StoredItem[] }>;
  countCandidates(query: WorklistQuery, options: MatchOptions): Promise<number>;
  candidates(query: WorklistQuery, options: MatchOptions, after: string | undefined, limit: number): Promise<CandidatePage>;
}

export const WORKLIST_ITEMS = Symbol('WORKLIST_ITEMS');
