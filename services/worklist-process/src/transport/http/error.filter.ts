import { Catch, Inject } from '@nestjs/common';
import { ApiErrorFilter, type Logger } from '@dicom-router/service-runtime';
import { NotFoundError, UnsupportedMediaTypeError, ValidationError } from '../../application/errors';
import { LOGGER } from '../../tokens';

/** worklist-process's application errors as HTTP statuses; the body shape is service-runtime's ErrorBody. */
@Catch()
export class ErrorFilter extends ApiErrorFilter {
  constructor(@Inject(LOGGER) logger: Logger) {
    super(logger);
  }

  protected statusOf(error: unknown): number | undefined {
    if (error instanceof ValidationError) return 400;
    if (error instanceof NotFoundError) return 404;
    if (error instanceof UnsupportedMediaTypeError) return 415;
    return undefined;
  }
}
