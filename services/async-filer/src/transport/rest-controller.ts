import { applyDecorators, Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { describeProblems, type FieldProblem, invalidRequest, QueryParameter, RestApi } from '@dicom-router/service-runtime';
import { isDocumentStatus, DOCUMENT_STATUSES, type DocumentStatus } from '../domain/document-status';
import type { DocumentFilter } from '../infrastructure/queue-store';

/** docs/architecture.md §4: REST lives under /api/v1 with the bearer token (health and metrics do not); queries are checked. */
export function RestController(path: string, tag: string): ClassDecorator {
  return applyDecorators(Controller(`api/v1/${path}`), RestApi(), ApiTags(tag));
}

export interface FilterQuery {
  filer?: string;
  status?: string;
  session?: string;
  since?: string;
  until?: string;
}

const NAME = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
const SESSION = '^[A-Za-z0-9._:-]{1,160}$';

/** The filter of the queue as query parameters: their schemas are what OpenAPI shows and what is enforced. */
export const FILTER_PARAMETERS = {
  filer: QueryParameter.text(64, { pattern: NAME, expected: 'the name of a filer of production.yaml' }),
  status: QueryParameter.oneOf(DOCUMENT_STATUSES),
  session: QueryParameter.text(160, { pattern: SESSION, expected: 'an association (session) id', description: 'Association id the documents arrived on' }),
  since: QueryParameter.dateTime({ description: 'Queued at or after' }),
  until: QueryParameter.dateTime({ description: 'Queued before' }),
} as const;

/**
 * Reads a filter from query or body, every problem at once as 400. A filer must be one of
 * production.yaml's (a query already had the shapes checked; a body has not).
 */
export function parseFilter(query: FilterQuery, knownFilers: ReadonlySet<string>, options: { statusAllowed?: boolean } = {}): DocumentFilter {
  const problems: FieldProblem[] = [];
  const filter: DocumentFilter = {};
  if (query.filer !== undefined) {
    if (!new RegExp(NAME).test(query.filer) || !knownFilers.has(query.filer)) problems.push({ field: 'filer', message: `no filer is named ${JSON.stringify(query.filer)}` });
    else filter.filer = query.filer;
  }
  if (query.status !== undefined) {
    if (options.statusAllowed === false) problems.push({ field: 'status', message: 'not accepted here' });
    else if (!isDocumentStatus(query.status)) problems.push({ field: 'status', message: `one of ${DOCUMENT_STATUSES.join(', ')} (got ${JSON.stringify(query.status)})` });
    else filter.status = query.status as DocumentStatus;
  }
  if (query.session !== undefined) {
    if (!new RegExp(SESSION).test(query.session)) problems.push({ field: 'session', message: 'not a session (association) id' });
    else filter.sessionId = query.session;
  }
  for (const key of ['since', 'until'] as const) {
    const raw = query[key];
    if (raw === undefined) continue;
    const date = new Date(raw);
    if (typeof raw !== 'string' || Number.isNaN(date.getTime())) problems.push({ field: key, message: `an ISO 8601 date-time (got ${JSON.stringify(raw)})` });
    else filter[key] = date;
  }
  if (problems.length > 0) throw invalidRequest(`the filter is not valid: ${describeProblems(problems)}`, problems);
  return filter;
}

/**
 * A call that changes documents in bulk acts on what its filter matches; without one, only when it
 * says `all` explicitly. An ignored or misspelt filter must never turn into "every document".
 */
export function requireFilterOrAll(filter: DocumentFilter, all: boolean | undefined, action: 'purge' | 'requeue', filters: string, how: string): void {
  const filtered = Object.keys(filter).length > 0;
  if (!filtered && all !== true) {
    throw invalidRequest(`to ${action} every document, send ${how}; to ${action} only some, give a filter (${filters})`, [
      { field: 'all', message: `${how} is required when no filter is given` },
    ]);
  }
  if (filtered && all === true) {
    throw invalidRequest(`${how} means every document, but a filter was given too: send one or the other`, [{ field: 'all', message: 'not with a filter' }]);
  }
}
