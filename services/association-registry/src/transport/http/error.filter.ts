import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type { HttpResponse } from './http-types';
import { ConflictError, NotFoundError, Problem, ValidationError } from '../../domain/errors';
import type { Logger } from '@dicom-router/service-runtime';
import { LOGGER } from '../../tokens';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  problems?: readonly Problem[];
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large', 500: 'Internal Server Error' };

/** The one place where domain errors become HTTP statuses; every error leaves as ErrorBody JSON. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const body = this.toBody(error);
    host.switchToHttp().getResponse<HttpResponse>().status(body.statusCode).json(body);
  }

  private toBody(error: unknown): ErrorBody {
    if (error instanceof ValidationError) return { ...make(400, error.message), ...(error.problems.length ? { problems: error.problems } : {}) };
    if (error instanceof NotFoundError) return make(404, error.message);
    if (error instanceof ConflictError) return make(409, error.message);
    if (error instanceof HttpException) {
      const response = error.getResponse();
      const fields = typeof response === 'object' && response !== null ? (response as { message?: unknown; error?: unknown }) : { message: response };
      const message = Array.isArray(fields.message) ? fields.message.join('; ') : String(fields.message ?? error.message);
      return { ...make(error.getStatus(), message), ...(typeof fields.error === 'string' ? { error: fields.error } : {}) };
    }
    this.logger.error({ err: error }, 'request failed');
    return make(HttpStatus.INTERNAL_SERVER_ERROR, 'the request failed on the server; see the service log');
  }
}

function make(statusCode: number, message: string): ErrorBody {
  return { statusCode, error: REASONS[statusCode] ?? 'Error', message };
}
