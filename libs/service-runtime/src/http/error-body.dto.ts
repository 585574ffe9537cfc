import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ErrorBody } from './api-error-filter';

/** ErrorBody in the OpenAPI document: what every 4xx and 5xx of every service carries. */
export class ErrorBodyDto implements ErrorBody {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request' })
  error!: string;

  @ApiProperty({ example: 'the query is not valid: limit: expected an integer from 1 to 1000 (got "all")' })
  message!: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
    description: 'Each offending field, query parameter or line, when there are several',
  })
  problems?: unknown[];
}
