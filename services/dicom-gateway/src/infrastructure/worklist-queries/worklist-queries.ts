import { Inject, Injectable, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { makeEvent, eventSource } from '@dicom-router/contracts';
import type { DimseServiceHandlers } from '@dicom-router/dicom-network';
import type { Logger } from '@dicom-router/service-runtime';
import { WORKLIST_FINDER, type WorklistFinder } from '@dicom-router/worklist';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { GatewaySettings, ListenerSettings } from '../../gateway-settings';
import { GATEWAY_SETTINGS, LOGGER } from '../../tokens';
import { GatewayEventBus } from '../event-bus';
import { answerWorklistFind } from './find-handler';
import { NatsWorklistFinder } from './nats-worklist-finder';

/**
 * C-FIND Modality Worklist on the listeners: the find port is worklist-process over NATS when
 * NATS_URL is set, otherwise the in-process WorklistFinder of an all-in-one process (when the
 * worklist module is mounted); without either, listeners answer C-FIND with 0122H.
 */
@Injectable()
export class WorklistQueries implements OnModuleInit, OnApplicationShutdown {
  private finder: WorklistFinder | undefined;
  private nc: NatsConnection | undefined;
  private readonly source = eventSource('dicom-gateway');

  constructor(
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly bus: GatewayEventBus,
    @Optional() @Inject(WORKLIST_FINDER) private readonly inProcess?: WorklistFinder,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.settings.natsUrl) {
      const nc = await connect({ servers: this.settings.natsUrl.split(','), name: 'dicom-gateway worklist', maxReconnectAttempts: -1 });
      this.nc = nc;
      this.finder = new NatsWorklistFinder(nc);
      this.logger.info('worklist queries: worklist-process over NATS');
    } else if (this.inProcess) {
      this.finder = this.inProcess;
      this.logger.info('worklist queries: in-process worklist');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.nc?.drain();
  }

  /** The onCFind handler of one listener, or undefined when no worklist is reachable. */
  handlers(listener: ListenerSettings): Pick<DimseServiceHandlers, 'onCFind'> {
    const finder = this.finder;
    if (!finder) return {};
    return {
      onCFind: async (request, identifier, responder) => {
        const outcome = await answerWorklistFind(finder, request, identifier, responder);
        const { association } = request;
        this.logger.info(
          { listener: listener.name, associationId: association.id, matchCount: outcome.matchCount, status: outcome.status, cancelled: outcome.cancelled, errorComment: outcome.errorComment },
          'worklist query answered',
        );
        this.bus.events
          .publish(makeEvent('worklistQueried', { associationId: association.id, callingAet: association.callingAet, matchCount: outcome.matchCount, cancelled: outcome.cancelled }, { source: this.source }))
          .catch((err: unknown) => this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'worklist.queried event not published'));
        return { status: outcome.status, errorComment: outcome.errorComment };
      },
    };
  }
}
