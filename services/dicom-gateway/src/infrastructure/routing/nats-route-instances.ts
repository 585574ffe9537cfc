import { COMMAND_SUBJECTS, type RouteVerdictV1 } from '@dicom-router/contracts';
import { ensureRouteCommandStream } from '@dicom-router/destinations';
import type { Logger } from '@dicom-router/service-runtime';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { createInbox, type NatsConnection, type Subscription } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { RouterUnavailableError, type RouteInstances, type RouteRequest } from './route-instances';

interface Waiting {
  resolve(verdict: RouteVerdictV1): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Route commands over NATS (libs/contracts/src/routing.ts): published to the JetStream work queue
 * (durable once the PubAck arrives, deduplicated by command id), the verdict awaited on this
 * gateway's own inbox until the command's deadline.
 */
export class NatsRouteInstances implements RouteInstances {
  private readonly waiting = new Map<string, Waiting>();
  private readonly inbox: string;
  private readonly subscription: Subscription;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly logger: Logger,
  ) {
    this.inbox = createInbox('_INBOX.route');
    this.subscription = nc.subscribe(`${this.inbox}.*`, {
      callback: (err, msg) => {
        if (err) return;
        let verdict: RouteVerdictV1;
        try {
          verdict = JSON.parse(msg.string()) as RouteVerdictV1;
        } catch {
          this.logger.warn({ subject: msg.subject }, 'routing: a verdict that is not JSON was ignored');
          return;
        }
        const commandId = msg.subject.slice(this.inbox.length + 1);
        const waiting = this.waiting.get(commandId);
        if (!waiting) return; // answered after the deadline: the modality already heard A700H
        this.waiting.delete(commandId);
        clearTimeout(waiting.timer);
        waiting.resolve(verdict);
      },
    });
  }

  /** Connects and makes sure the work queue exists (failing when NATS is unreachable at start). */
  static async connect(servers: string[], logger: Logger): Promise<NatsRouteInstances> {
    const nc = await connect({ servers, name: 'dicom-gateway-routing', maxReconnectAttempts: -1, reconnectTimeWait: 500 });
    try {
      await ensureRouteCommandStream(await jetstreamManager(nc));
      const routing = new NatsRouteInstances(nc, jetstream(nc), logger);
      await nc.flush();
      return routing;
    } catch (error) {
      await nc.close();
      throw error;
    }
  }

  route(request: RouteRequest): Promise<RouteVerdictV1> {
    const remainingMs = Math.max(0, Date.parse(request.deadline) - Date.now());
    const verdict = new Promise<RouteVerdictV1>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(request.commandId);
        reject(new RouterUnavailableError(`no verdict from storage-router within ${remainingMs} ms`));
      }, remainingMs);
      this.waiting.set(request.commandId, { resolve, reject, timer });
    });
    const command = { ...request, replyTo: `${this.inbox}.${request.commandId}` };
    this.js
      .publish(COMMAND_SUBJECTS.routeInstance, JSON.stringify(command), { msgID: request.commandId, timeout: Math.max(remainingMs, 1) })
      .catch((error: unknown) => {
        const waiting = this.waiting.get(request.commandId);
        if (!waiting) return;
        this.waiting.delete(request.commandId);
        clearTimeout(waiting.timer);
        waiting.reject(new RouterUnavailableError(`cannot queue the route command: ${error instanceof Error ? error.message : String(error)}`));
      });
    return verdict;
  }

  async close(): Promise<void> {
    for (const [id, waiting] of this.waiting) {
      clearTimeout(waiting.timer);
      waiting.reject(new RouterUnavailableError('the gateway is shutting down'));
      this.waiting.delete(id);
    }
    this.subscription.unsubscribe();
    await this.nc.drain().catch(() => this.nc.close());
  }
}
