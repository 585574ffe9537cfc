import { Controller, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { RestApi } from '@dicom-router/service-runtime';
import { DeliveryError, type EchoOutcome } from '@dicom-router/destinations';
import { Destinations } from '../infrastructure/destinations/destinations';

/** REST for destinations (docs/architecture.md §4: under /api/v1, bearer token). */
@Controller('api/v1/destinations')
@RestApi()
export class DestinationsController {
  constructor(private readonly destinations: Destinations) {}

  /** C-ECHO on a fresh association: 200 with the outcome, success or not; 404 for an unknown name. */
  @Post(':name/echo')
  @HttpCode(200)
  async echo(@Param('name') name: string): Promise<EchoOutcome> {
    try {
      return await this.destinations.echo(name);
    } catch (error) {
      if (error instanceof DeliveryError && error.reason === 'unknown-destination') {
        throw new NotFoundException(`no destination is named ${JSON.stringify(name)}`);
      }
      throw error;
    }
  }
}
