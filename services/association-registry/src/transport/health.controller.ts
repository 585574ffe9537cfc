import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { Database } from '@dicom-router/persistence';
import { DATABASE } from '../tokens';

/** Kubernetes probes, without a token: live while the process serves HTTP; ready while the database answers. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(DATABASE) private readonly db: Database,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      async () => {
        const check = this.indicator.check('database');
        try {
          await this.db.run((m) => m.query('SELECT 1'));
          return check.up({ kind: this.db.kind });
        } catch (err) {
          return check.down({ kind: this.db.kind, error: err instanceof Error ? err.message : String(err) });
        }
      },
    ]);
  }
}
