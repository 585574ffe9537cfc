import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Logger } from '@dicom-router/service-runtime';
import { NotFoundError, UnsupportedMediaTypeError, ValidationError, type Problem } from '../../application/errors';
import { LOGGER } from '../../tokens';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  problems?: readonly Problem[];
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 500: 'Internal Server Error' };

/** The one place where application errors become HTTP statuses; every error leaves as ErrorBody JSON. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const body = this.toBody(error);
    const res = host.switchToHttp().getResponse<ServerResponse & { status(code: number): { json(body: unknown): void } }>();
    res.status(body.statusCode).json(body);
  }

  private toBody(error: unknown): ErrorBody {
    if (error instanceof ValidationError) return { ...make(400, error.message), ...(error.problems.length ? { problems: error.problems } : {}) };
    if (error instanceof NotFoundError) return make(404, error.message);
    if (error instanceof UnsupportedMediaTypeError) return make(415, error.message);
    if (error instanceof HttpException) {
      const response = error.getResponse();
      const fields = typeof response === 'object' && response !== null ? (response as { message?: unknown }) : { message: response };
      const message = Array.isArray(fields.message) ? fields.message.join('; ') : String(fields.message ?? error.message);
      return make(error.getStatus(), message);
    }
    this.logger.error({ err: error }, 'request failed');
    return make(HttpStatus.INTERNAL_SERVER_ERROR, 'the request failed on the server; see the service log');
  }
}

function make(statusCode: number, message: string): ErrorBody {
  return { statusCode, error: REASONS[statusCode] ?? 'Error', message };
}
