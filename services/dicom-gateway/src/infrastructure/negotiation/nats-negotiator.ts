import {
  COMMAND_SUBJECTS,
  NOTICE_SUBJECTS,
  parseNegotiateAssociationReply,
  type NegotiateAssociationReplyV1,
  type NegotiateAssociationRequestV1,
} from '@dicom-router/contracts';
import type { Logger } from '@dicom-router/service-runtime';
import { errors, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { type AssociationNegotiator, RegistryUnavailableError } from './association-negotiator';

/**
 * Negotiation over core NATS request/reply (not durable: a requester waiting on its socket is the
 * only one who cares). Registry change notices arrive on `dicom.notices.registry.changed.v1`; as a
 * notice published while we were disconnected is lost, a reconnect invalidates caches too.
 */
export class NatsNegotiator implements AssociationNegotiator {
  private readonly listeners = new Set<(why: string) => void>();

  private constructor(
    private readonly nc: NatsConnection,
    private readonly logger: Logger,
  ) {
    nc.subscribe(NOTICE_SUBJECTS.registryChanged, {
      callback: (err, msg) => {
        if (err) return;
        this.invalidate(`registry changed: ${msg.string().slice(0, 200)}`);
      },
    });
    void this.watchStatus();
  }

  /** Connects (failing when NATS is unreachable at start, as the event bus does), then reconnects forever. */
  static async connect(servers: string[], logger: Logger): Promise<NatsNegotiator> {
    const nc = await connect({ servers, name: 'dicom-gateway-negotiation', maxReconnectAttempts: -1, reconnectTimeWait: 500 });
    const negotiator = new NatsNegotiator(nc, logger);
    await nc.flush();
    return negotiator;
  }

  async negotiate(request: NegotiateAssociationRequestV1, timeoutMs: number): Promise<NegotiateAssociationReplyV1> {
    let text: string;
    try {
      const reply = await this.nc.request(COMMAND_SUBJECTS.negotiateAssociation, JSON.stringify(request), { timeout: timeoutMs });
      text = reply.string();
    } catch (err) {
      throw new RegistryUnavailableError(describe(err, timeoutMs), { cause: err });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = parseNegotiateAssociationReply(json);
    if (!parsed.ok) throw new RegistryUnavailableError(`malformed reply from the registry: ${parsed.problems.join('; ')}`);
    return parsed.value;
  }

  onCacheInvalid(listener: (why: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    await this.nc.close();
  }

  private invalidate(why: string): void {
    for (const listener of this.listeners) listener(why);
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'disconnect') this.logger.warn({ server: status.server }, 'negotiation: NATS disconnected; associations are rejected transiently until it is back');
      if (status.type === 'reconnect') {
        this.logger.info({ server: status.server }, 'negotiation: NATS reconnected');
        this.invalidate('reconnected to NATS (a change notice may have been missed)');
      }
    }
  }
}

function describe(err: unknown, timeoutMs: number): string {
  if (err instanceof errors.RequestError && err.isNoResponders()) return 'no association-registry is answering on NATS';
  if (err instanceof errors.TimeoutError || (err instanceof errors.RequestError && err.cause instanceof errors.TimeoutError)) {
    return `no answer within ${timeoutMs} ms`;
  }
  return err instanceof Error ? err.message : String(err);
}
