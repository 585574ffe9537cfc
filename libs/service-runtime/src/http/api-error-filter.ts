import { type ArgumentsHost, type ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Logger } from '../logger';

/** Every REST error leaves as this JSON: a status, its reason phrase, and a message a person can act on. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  /** Each offending field or line, when the request had several (validation, imports). */
  problems?: readonly unknown[];
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
};

/**
 * The one place where a service's application errors become HTTP statuses. A service subclasses it
 * (decorated with `@Catch()`) and says which of its errors map to which status; Nest's own HTTP
 * exceptions keep theirs; anything else is a 500 that is logged, with no internals in the body.
 */
export abstract class ApiErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  /** The HTTP status of one of this service's errors, or undefined for any other error. */
  protected abstract statusOf(error: unknown): number | undefined;

  catch(error: unknown, host: ArgumentsHost): void {
    const body = this.toBody(error);
    host
      .switchToHttp()
      .getResponse<ServerResponse & { status(code: number): { json(body: unknown): void } }>()
      .status(body.statusCode)
      .json(body);
  }

  private toBody(error: unknown): ErrorBody {
    const status = this.statusOf(error);
    if (status !== undefined && error instanceof Error) {
      const problems = (error as { problems?: unknown }).problems;
      return { ...make(status, error.message), ...(Array.isArray(problems) && problems.length > 0 ? { problems } : {}) };
    }
    if (error instanceof HttpException) {
      const response = error.getResponse();
      const fields = typeof response === 'object' && response !== null ? (response as { message?: unknown; error?: unknown; problems?: unknown }) : { message: response };
      const message = Array.isArray(fields.message) ? fields.message.join('; ') : String(fields.message ?? error.message);
      return {
        ...make(error.getStatus(), message),
        ...(typeof fields.error === 'string' ? { error: fields.error } : {}),
        ...(Array.isArray(fields.problems) && fields.problems.length > 0 ? { problems: fields.problems } : {}),
      };
    }
    this.logger.error({ err: error }, 'request failed');
    return make(HttpStatus.INTERNAL_SERVER_ERROR, 'the request failed on the server; see the service log');
  }
}

function make(statusCode: number, message: string): ErrorBody {
  return { statusCode, error: REASONS[statusCode] ?? 'Error', message };
}
