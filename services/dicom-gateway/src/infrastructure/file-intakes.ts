import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { FileIntake } from '../application/file-intake/file-intake';
import { GatewaySettings } from '../gateway-settings';
import { GATEWAY_SETTINGS, LOGGER } from '../tokens';
import { Logger } from '@dicom-router/service-runtime';
import { StoreInstances } from './store-instances';

/** Runs every file intake of production.yaml: one scan at a time per intake, on its interval. */
@Injectable()
export class FileIntakes implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly running: Array<{ intake: FileIntake; timer: NodeJS.Timeout; scanning: Promise<void> }> = [];
  private stopping = false;

  constructor(
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly storeInstances: StoreInstances,
  ) {}

  onApplicationBootstrap(): void {
    const production = this.settings.production;
    for (const config of production.fileIntakes) {
      const log = this.logger.child({ fileIntake: config.name });
      const store = this.storeInstances.create('overwrite');
      const intake = new FileIntake({ ...config, settleMs: config.settleSeconds * 1000 }, store, {
        stored: (file, outcome) => log.info({ file, key: outcome.stored?.key, size: outcome.stored?.size }, 'instance stored'),
        rejected: (file, reason) => log.warn({ file, reason }, 'file rejected'),
        deferred: (file, reason) => log.warn({ file, reason }, 'file not stored yet, will retry'),
      });
      const entry = { intake, timer: setInterval(() => tick(), config.scanIntervalSeconds * 1000), scanning: Promise.resolve() };
      let busy = false;
      const tick = (): void => {
        if (busy || this.stopping) return;
        busy = true;
        entry.scanning = intake
          .scan()
          .then(() => undefined)
          .catch((err: unknown) => log.error({ err: err instanceof Error ? err.message : String(err), path: config.path }, 'file intake scan failed'))
          .finally(() => (busy = false));
      };
      this.running.push(entry);
      log.info({ path: config.path, fileSpec: config.fileSpec, afterStore: config.afterStore }, 'file intake watching');
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const entry of this.running) clearInterval(entry.timer);
    await Promise.all(this.running.map((entry) => entry.scanning));
  }
}
