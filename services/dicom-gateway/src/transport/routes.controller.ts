import { BadRequestException, Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { RestApi } from '@dicom-router/service-runtime';
import { RuleSet } from '@dicom-router/routing-rules';
import {
  DryRunInputError,
  RouteDryRunUseCase,
  type DryRunRequest,
  type DryRunResult,
} from '../application/route-dry-run/route-dry-run.use-case';
import { GatewaySettings } from '../gateway-settings';
import { ObjectStorage } from '../infrastructure/object-storage';
import { GATEWAY_SETTINGS } from '../tokens';

/** REST for routing rules (docs/architecture.md §4: under /api/v1, bearer token). */
@Controller('api/v1/routes')
@RestApi()
export class RoutesController {
  private readonly dryRun: RouteDryRunUseCase;

  constructor(@Inject(GATEWAY_SETTINGS) settings: GatewaySettings, storage: ObjectStorage) {
    // Compiled (and validated) once already when the production was loaded; cannot fail here.
    const production = settings.production;
    this.dryRun = new RouteDryRunUseCase(
      RuleSet.compile(production.routes),
      RuleSet.compile(production.filers.map((f) => ({ name: f.name, condition: f.condition, destinations: [f.destination] }))),
      storage.location,
    );
  }

  /** Which routes and filers an instance matches, without sending it anywhere. */
  @Post('dry-run')
  @HttpCode(200)
  async evaluate(@Body() body: unknown): Promise<DryRunResult> {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new BadRequestException('send a JSON object: { "storageKey": "studies/…" } and/or { "attributes": { "Modality": "CT" }, "callingAet": … }');
    }
    try {
      return await this.dryRun.execute(body as DryRunRequest);
    } catch (error) {
      if (error instanceof DryRunInputError) throw new BadRequestException(error.message);
      throw error;
    }
  }
}
