import { HttpException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { ErrorBody } from './api-error-filter';

/** One thing wrong with a request: the field or parameter, and what a valid value looks like. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** Enough to correct a request in one round; a hostile request must not turn into a huge answer. */
const MAX_REPORTED_PROBLEMS = 20;

/**
 * A 400 whose body is the project's ErrorBody, whichever exception filter answers it (a service's
 * ApiErrorFilter, or Nest's own, which sends an HttpException's object as it is).
 */
export function invalidRequest(message: string, problems: readonly FieldProblem[] = []): HttpException {
  const omitted = problems.length - MAX_REPORTED_PROBLEMS;
  const listed = omitted > 0 ? [...problems.slice(0, MAX_REPORTED_PROBLEMS), { field: '', message: `…and ${omitted} more problems` }] : problems;
  return requestError(400, message, listed);
}

/** Any 4xx with the ErrorBody shape: 413 for a body too large, 415 for one in an encoding not read. */
export function requestError(status: 400 | 413 | 415, message: string, problems: readonly unknown[] = []): HttpException {
  const body: ErrorBody = { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message, ...(problems.length > 0 ? { problems } : {}) };
  return new HttpException(body, status);
}

/** `name: what is wrong`, one per problem, for a message that stands on its own in a log line. */
export function describeProblems(problems: readonly FieldProblem[]): string {
  return problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; ');
}
