import { applyDecorators, Controller, ParseUUIDPipe, UseFilters } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ValidationError } from '../../domain/errors';
import { RestApi } from '@dicom-router/service-runtime';
import { ErrorDto } from './dto';
import { ErrorFilter } from './error.filter';

/** docs/architecture.md §4: REST lives under /api/v1 (health and metrics do not). */
export const API_PREFIX = 'api/v1';

/** A REST controller: under /api/v1, bearer token required, query checked, errors as ErrorBody JSON. */
export function RestController(path: string, tag: string): ClassDecorator {
  return applyDecorators(
    Controller(path ? `${API_PREFIX}/${path}` : API_PREFIX),
    RestApi({ errorType: ErrorDto }),
    UseFilters(ErrorFilter),
    ApiTags(tag),
  );
}

/** Path parameter `id`: an association's UUID. */
export const ASSOCIATION_ID = new ParseUUIDPipe({
  exceptionFactory: () => new ValidationError('the association id must be a UUID, as returned by GET /api/v1/associations'),
});
