import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { eventSource, ROUTE_COMMANDS_CONSUMER, ROUTE_COMMANDS_STREAM, type RouteInstanceCommandV1, type RouteVerdictV1 } from '@dicom-router/contracts';
import {
  DestinationSender,
  ensureRouteCommandConsumer,
  ensureRouteCommandStream,
  RouteInstanceUseCase,
} from '@dicom-router/destinations';
import { connectJetStreamBus, type EventBus } from '@dicom-router/messaging';
import type { Logger } from '@dicom-router/service-runtime';
import { createStorageLocation } from '@dicom-router/storage';
import { jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { RouterSettings } from '../router-settings';
import { LOGGER, ROUTER_SETTINGS } from '../tokens';
import { RouterMetrics } from './router-metrics';
import { parseRouteCommand } from './parse-route-command';

/** Unacknowledged this long (a replica died mid-command) → JetStream redelivers it elsewhere. */
const ACK_WAIT_MS = 30_000;
/** A command that failed this often is given up (it is then answered by nobody; the gateway timed out long ago). */
const MAX_DELIVER = 5;

/**
 * storage-router's one job (docs/architecture.md §3): pull route commands from the durable work queue, route
 * each stored instance to every matching destination, publish the delivery events, answer the
 * gateway with one verdict, then acknowledge. The acknowledgement comes last, so a replica that
 * dies mid-command leaves it to be redelivered: at-least-once delivery to destinations.
 */
@Injectable()
export class RouteCommandConsumer implements OnModuleInit, OnApplicationShutdown {
  private nc: NatsConnection | null = null;
  private bus: EventBus | null = null;
  private messages: ConsumerMessages | null = null;
  private loop: Promise<void> = Promise.resolve();
  private readonly inFlight = new Set<Promise<void>>();
  private sender: DestinationSender | null = null;
  private useCase: RouteInstanceUseCase | null = null;
  private consuming = false;

  constructor(
    @Inject(ROUTER_SETTINGS) private readonly settings: RouterSettings,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: RouterMetrics,
  ) {}

  async onModuleInit(): Promise<void> {
    const servers = this.settings.natsUrl.split(',');
    const storage = createStorageLocation(this.settings.storageLocation, this.settings.s3);
    this.sender = new DestinationSender(storage, {
      destinations: this.settings.production.destinations,
      implementation: this.settings.production.implementation,
      tls: this.settings.tls,
    });
    this.bus = await connectJetStreamBus({
      servers,
      name: 'storage-router-events',
      onHandlerError: (err) => this.logger.error({ err }, 'event handler failed'),
    });
    const bus = this.bus;
    this.useCase = new RouteInstanceUseCase(this.settings.production.routes, this.sender, { announce: (event) => bus.publish(event).then(() => undefined) }, {
      eventSource: eventSource('storage-router'),
      onAnnounceError: (error, event) =>
        this.logger.warn({ err: error instanceof Error ? error.message : String(error), type: event.type, subject: event.subject }, 'delivery event not published'),
    });

    this.nc = await connect({ servers, name: 'storage-router', maxReconnectAttempts: -1, reconnectTimeWait: 500 });
    const jsm = await jetstreamManager(this.nc);
    await ensureRouteCommandStream(jsm);
    await ensureRouteCommandConsumer(jsm, { ackWaitMs: ACK_WAIT_MS, maxDeliver: MAX_DELIVER, maxAckPending: this.settings.concurrency });
    const consumer = await jetstream(this.nc).consumers.get(ROUTE_COMMANDS_STREAM.name, ROUTE_COMMANDS_CONSUMER);
    this.messages = await consumer.consume({ max_messages: this.settings.concurrency });
    const messages = this.messages;
    this.loop = (async () => {
      for await (const msg of messages) {
        const work = this.handle(msg).catch((err: unknown) => this.logger.error({ err }, 'route command failed'));
        this.inFlight.add(work);
        void work.finally(() => this.inFlight.delete(work));
        if (this.inFlight.size >= this.settings.concurrency) await Promise.race(this.inFlight);
      }
    })();
    this.consuming = true;
    this.logger.info(
      { stream: ROUTE_COMMANDS_STREAM.name, consumer: ROUTE_COMMANDS_CONSUMER, concurrency: this.settings.concurrency, routes: this.settings.production.routes.map((r) => r.name) },
      'storage-router consuming route commands',
    );
  }

  status(): { consuming: boolean; inFlight: number } {
    return { consuming: this.consuming && this.nc !== null && !this.nc.isClosed(), inFlight: this.inFlight.size };
  }

  /** SIGTERM: take no more commands, finish those in hand (answered and acknowledged), then close. */
  async onApplicationShutdown(): Promise<void> {
    this.consuming = false;
    await this.messages?.close();
    await this.loop;
    await Promise.all([...this.inFlight]);
    await this.sender?.close();
    await this.bus?.close();
    await this.nc?.drain().catch(() => undefined);
  }

  private async handle(msg: JsMsg): Promise<void> {
    const started = process.hrtime.bigint();
    const parsed = parseRouteCommand(msg.string());
    if (!parsed.ok) {
      // Redelivering a command that cannot be read cannot help; `term` keeps it out of the way.
      this.metrics.commands.labels('malformed').inc();
      this.logger.error({ problems: parsed.problems, seq: msg.seq }, 'route command refused: malformed');
      if (parsed.replyTo && parsed.commandId) {
        this.reply(parsed.replyTo, { commandId: parsed.commandId, sopInstanceUid: '', outcome: 'rejected', matchedRoutes: [], deliveries: [], error: parsed.problems.join('; ') });
      }
      msg.term(parsed.problems.join('; '));
      return;
    }
    const command: RouteInstanceCommandV1 = parsed.value;
    const attempt = msg.info.deliveryCount;
    if (Date.parse(command.deadline) <= Date.now()) {
      // The gateway has already answered its modality (A700H), which sends the instance again.
      this.metrics.commands.labels('expired').inc();
      this.logger.warn({ commandId: command.commandId, sopInstanceUid: command.instance.sopInstanceUid, deadline: command.deadline, attempt }, 'route command expired before it was taken: not routed');
      msg.ack();
      return;
    }
    const keepAlive = setInterval(() => msg.working(), ACK_WAIT_MS / 3);
    try {
      const { verdict, announced } = await (this.useCase as RouteInstanceUseCase).execute(command, attempt);
      this.reply(command.replyTo, verdict);
      this.metrics.commands.labels(verdict.outcome).inc();
      for (const d of verdict.deliveries) this.metrics.deliveries.labels(d.destination, d.outcome).inc();
      this.metrics.routeSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
      this.logger.info(
        {
          commandId: command.commandId,
          sopInstanceUid: command.instance.sopInstanceUid,
          outcome: verdict.outcome,
          routes: verdict.matchedRoutes,
          deliveries: verdict.deliveries.map((d) => ({ destination: d.destination, outcome: d.outcome, status: d.status, reason: d.reason })),
          attempt,
          ...(verdict.error ? { error: verdict.error } : {}),
        },
        'instance routed',
      );
      await announced;
      msg.ack();
    } finally {
      clearInterval(keepAlive);
    }
  }

  private reply(subject: string, verdict: RouteVerdictV1): void {
    try {
      this.nc?.publish(subject, JSON.stringify(verdict));
    } catch (err) {
      this.logger.warn({ err: err instanceof Error ? err.message : String(err), subject }, 'verdict not sent');
    }
  }
}
