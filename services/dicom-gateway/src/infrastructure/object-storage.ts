import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createStorageLocation, StorageLocation } from '@dicom-router/storage';
import { GatewaySettings } from '../gateway-settings';
import { GATEWAY_SETTINGS, LOGGER } from '../tokens';
import { Logger } from '@dicom-router/service-runtime';

const CHECK_INTERVAL_MS = 15_000;

/**
 * The StorageLocation (file or S3) and whether it answered its last check; readiness follows it,
 * so a pod whose storage is unreachable leaves the LoadBalancer instead of refusing every C-STORE.
 */
@Injectable()
export class ObjectStorage implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly location: StorageLocation;
  private lastCheck: { ok: boolean; error?: string } = { ok: false, error: 'not checked yet' };
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(GATEWAY_SETTINGS) settings: GatewaySettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.location = createStorageLocation(settings.storageLocation, settings.s3, {
      fileMode: settings.storageModes.file,
      directoryMode: settings.storageModes.directory,
      onSlowMetadataCall: ({ call, ms }) =>
        this.logger.warn({ storage: this.location.description, call, ms: Math.round(ms) }, 'file storage: a metadata call was slow; open, close and rename now go through the thread pool'),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.check();
    this.logger.info({ storage: this.location.description, ok: this.lastCheck.ok }, 'storage location');
    this.timer = setInterval(() => void this.check(), CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  status(): { ok: boolean; error?: string } {
    return this.lastCheck;
  }

  private async check(): Promise<void> {
    try {
      await this.location.check();
      if (!this.lastCheck.ok) this.logger.info({ storage: this.location.description }, 'storage reachable');
      this.lastCheck = { ok: true };
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      if (this.lastCheck.ok || this.lastCheck.error !== error) this.logger.error({ storage: this.location.description, error }, 'storage check failed');
      this.lastCheck = { ok: false, error };
    }
  }
}
