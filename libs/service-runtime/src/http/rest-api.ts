import { applyDecorators, type Type, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { BearerTokenGuard } from '../bearer-token.guard';
import { ErrorBodyDto } from './error-body.dto';
import { QueryParametersGuard } from './query-parameters';

/**
 * What every REST controller of every service carries (docs/architecture.md §4): the bearer token first, then
 * each handler's query checked against its @QueryParameters, so no endpoint ignores a parameter.
 */
export function RestApi(options: { errorType?: Type<unknown> } = {}): ClassDecorator {
  const type = options.errorType ?? ErrorBodyDto;
  return applyDecorators(
    UseGuards(BearerTokenGuard, QueryParametersGuard),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ type, description: 'No or a wrong bearer token' }),
    ApiBadRequestResponse({ type, description: 'The request is not valid (a query parameter the endpoint does not take, a bad value, a body that is not what it reads); `problems` says where' }),
  );
}
