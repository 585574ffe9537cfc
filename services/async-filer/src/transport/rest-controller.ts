import { applyDecorators, BadRequestException, Controller, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { BearerTokenGuard } from '@dicom-router/service-runtime';
import { isDocumentStatus, DOCUMENT_STATUSES, type DocumentStatus } from '../domain/document-status';
import type { DocumentFilter } from '../infrastructure/queue-store';

/** DESIGN.md §4: REST lives under /api/v1 with the bearer token (health and metrics do not). */
export function RestController(path: string, tag: string): ClassDecorator {
  return applyDecorators(
    Controller(`api/v1/${path}`),
    UseGuards(BearerTokenGuard),
    ApiTags(tag),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'No or a wrong bearer token' }),
  );
}

export interface FilterQuery {
  filer?: string;
  status?: string;
  session?: string;
  since?: string;
  until?: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SESSION = /^[A-Za-z0-9._:-]{1,160}$/;

/** Reads a filter from query or body, every problem at once as 400. */
export function parseFilter(query: FilterQuery, knownFilers: ReadonlySet<string>, options: { statusAllowed?: boolean } = {}): DocumentFilter {
  const problems: string[] = [];
  const filter: DocumentFilter = {};
  if (query.filer !== undefined) {
    if (!NAME.test(query.filer) || !knownFilers.has(query.filer)) problems.push(`filer: no filer is named ${JSON.stringify(query.filer)}`);
    else filter.filer = query.filer;
  }
  if (query.status !== undefined) {
    if (options.statusAllowed === false) problems.push('status: not accepted here');
    else if (!isDocumentStatus(query.status)) problems.push(`status: one of ${DOCUMENT_STATUSES.join(', ')} (got ${JSON.stringify(query.status)})`);
    else filter.status = query.status as DocumentStatus;
  }
  if (query.session !== undefined) {
    if (!SESSION.test(query.session)) problems.push('session: not a session (association) id');
    else filter.sessionId = query.session;
  }
  for (const key of ['since', 'until'] as const) {
    const raw = query[key];
    if (raw === undefined) continue;
    const date = new Date(raw);
    if (typeof raw !== 'string' || Number.isNaN(date.getTime())) problems.push(`${key}: an ISO 8601 date-time (got ${JSON.stringify(raw)})`);
    else filter[key] = date;
  }
  if (problems.length > 0) throw new BadRequestException({ message: 'the request is not valid', problems });
  return filter;
}

export function parseLimit(raw: string | undefined, fallback: number, max: number, name: string): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new BadRequestException({ message: 'the request is not valid', problems: [`${name}: an integer from 0 to ${max}`] });
  }
  return value;
}
