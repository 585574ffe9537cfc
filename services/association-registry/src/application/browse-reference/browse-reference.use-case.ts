import { dictionary, filterRows, sopClasses, transferSyntaxes, type DictionaryEntry, type SopClass, type TransferSyntax } from '@dicom-router/dicom-reference';
import { Injectable } from '@nestjs/common';
import { Problem, throwIfProblems } from '../../domain/errors';

export const PAGE_MAX_LIMIT = 1000;
export const PAGE_DEFAULT_LIMIT = 100;

export interface PageQuery {
  readonly filter?: unknown;
  readonly limit?: unknown;
  readonly offset?: unknown;
}

export interface Page<T> {
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
  readonly items: readonly T[];
}

/** The PS3.6 tables, filtered case-insensitively on any column and paged. */
@Injectable()
export class BrowseReference {
  abstractSyntaxes(query: PageQuery): Page<SopClass> {
    return page(sopClasses(), query);
  }

  transferSyntaxes(query: PageQuery): Page<TransferSyntax> {
    return page(transferSyntaxes(), query);
  }

  dictionary(query: PageQuery): Page<DictionaryEntry> {
    return page(dictionary(), query);
  }
}

function page<T extends object>(rows: readonly T[], query: PageQuery): Page<T> {
  const problems: Problem[] = [];
  const limit = integer(query.limit, 'limit', PAGE_DEFAULT_LIMIT, 1, PAGE_MAX_LIMIT, problems);
  const offset = integer(query.offset, 'offset', 0, 0, Number.MAX_SAFE_INTEGER, problems);
  if (query.filter !== undefined && typeof query.filter !== 'string') problems.push({ field: 'filter', message: 'give the filter once, as text' });
  else if (typeof query.filter === 'string' && query.filter.length > 200) problems.push({ field: 'filter', message: 'has at most 200 characters' });
  throwIfProblems('the query is not valid', problems);
  const matches = filterRows(rows, typeof query.filter === 'string' ? query.filter : '');
  return { total: matches.length, limit, offset, items: matches.slice(offset, offset + limit) };
}

function integer(value: unknown, field: string, fallback: number, min: number, max: number, problems: Problem[]): number {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    problems.push({ field, message: `must be an integer from ${min} to ${max}` });
    return fallback;
  }
  return n;
}
