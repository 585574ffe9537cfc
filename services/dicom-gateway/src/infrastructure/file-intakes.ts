import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { FileIntake } from '../application/file-intake/file-intake';
import { GatewaySettings } from '../gateway-settings';
import { GATEWAY_SETTINGS, LOGGER } from '../tokens';
import { Logger } from '@dicom-router/service-runtime';
import { StoreInstances } from './store-instances';
import { SyncRouting } from './routing/sync-routing';
import type { StoreInstanceRequest, StoreOutcome } from '../application/store-instance/store-instance.use-case';
import { DimseFailure, Status } from '@dicom-router/dicom-network';

/** How long a file intake waits for its route's destinations before leaving the file for the next scan. */
const FILE_ROUTE_TIMEOUT_MS = 60_000;

/** Runs every file intake of production.yaml: one scan at a time per intake, on its interval. */
@Injectable()
export class FileIntakes implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly running: Array<{ intake: FileIntake; timer: NodeJS.Timeout; scanning: Promise<void> }> = [];
  private stopping = false;

  constructor(
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly storeInstances: StoreInstances,
    private readonly syncRouting: SyncRouting,
  ) {}

  onApplicationBootstrap(): void {
    const production = this.settings.production;
    for (const config of production.fileIntakes) {
      const log = this.logger.child({ fileIntake: config.name });
      const store = this.storeInstances.create('overwrite');
      const intake = new FileIntake(
        { ...config, settleMs: config.settleSeconds * 1000 },
        store,
        {
          stored: (file, outcome) => log.info({ file, key: outcome.stored?.key, size: outcome.stored?.size }, 'instance stored'),
          rejected: (file, reason) => log.warn({ file, reason }, 'file rejected'),
          deferred: (file, reason) => log.warn({ file, reason }, 'file not stored yet, will retry'),
        },
        this.routeFor(config.target),
      );
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

  /**
   * A file intake that targets a route hands each stored instance to it, like a sync listener,
   * with that route's default timeout; when no route condition matches, the file is simply done.
   */
  private routeFor(target: string | undefined): ((outcome: StoreOutcome, request: StoreInstanceRequest) => Promise<void>) | undefined {
    if (target === undefined || !this.settings.production.routes.some((r) => r.name === target)) return undefined;
    return async (outcome, request) => {
      const { response } = await this.syncRouting.route({
        outcome,
        sopClassUid: request.sopClassUid,
        sopInstanceUid: request.sopInstanceUid,
        transferSyntaxUid: request.transferSyntaxUid,
        source: request.source,
        routes: [target],
        timeoutMs: FILE_ROUTE_TIMEOUT_MS,
        noRouteStatus: 'success',
      });
      if (response.status !== Status.Success) throw new DimseFailure(response.status, response.errorComment ?? 'not routed');
    };
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const entry of this.running) clearInterval(entry.timer);
    await Promise.all(this.running.map((entry) => entry.scanning));
  }
}
