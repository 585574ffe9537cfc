import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DicomListeners } from '../infrastructure/dicom-listeners';
import { ObjectStorage } from '../infrastructure/object-storage';

/** Kubernetes probes: live while the process serves HTTP; ready while every listener accepts and storage answers. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly listeners: DicomListeners,
    private readonly storage: ObjectStorage,
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
      () => {
        const check = this.indicator.check('dicom');
        const status = this.listeners.status();
        return status.accepting ? check.up(status) : check.down(status);
      },
      () => {
        const check = this.indicator.check('storage');
        const status = this.storage.status();
        return status.ok ? check.up() : check.down({ error: status.error });
      },
    ]);
  }
}
