import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { connectJetStreamBus, EventBus, InProcessBus } from '@dicom-router/messaging';
import { GatewaySettings } from '../gateway-settings';
import { GATEWAY_SETTINGS, LOGGER } from '../tokens';
import { Logger } from '@dicom-router/service-runtime';

/**
 * NATS JetStream when NATS_URL is set, otherwise the in-process bus of the embedded defaults.
 * Connected before the listeners open, closed after they drained.
 */
@Injectable()
export class GatewayEventBus implements OnModuleInit, OnApplicationShutdown {
  private bus: EventBus | null = null;
  private markConnected!: () => void;
  /**
   * Resolves once the bus is connected. Nest runs the onModuleInit hooks of one module concurrently,
   * so a provider that needs `events` during its own init awaits this first.
   */
  readonly connected = new Promise<void>((resolve) => (this.markConnected = resolve));

  constructor(
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.settings.natsUrl) {
      this.bus = await connectJetStreamBus({
        servers: this.settings.natsUrl.split(','),
        name: 'dicom-gateway',
        stream: { replicas: this.settings.natsStreamReplicas },
        onHandlerError: (err) => this.logger.error({ err }, 'event handler failed'),
      });
      this.logger.info('event bus: NATS JetStream');
    } else {
      this.bus = new InProcessBus({
        onHandlerError: (err, event, { attempt }) =>
          this.logger.warn({ err: err instanceof Error ? err.message : String(err), eventId: event.id, type: event.type, attempt }, 'event handler failed; redelivering'),
        onGiveUp: (event, durableName, err) =>
          this.logger.error({ err: err instanceof Error ? err.message : String(err), eventId: event.id, type: event.type, consumer: durableName }, 'event handler kept failing; event given up'),
      });
      this.logger.info('event bus: in-process (embedded defaults)');
    }
    this.markConnected();
  }

  get events(): EventBus {
    if (!this.bus) throw new Error('event bus not connected yet');
    return this.bus;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus?.close();
  }
}
