import {
  COMMAND_SUBJECTS,
  NEGOTIATION_QUEUE_GROUP,
  NOTICE_SUBJECTS,
  parseNegotiateAssociationRequest,
  type NegotiateAssociationReplyV1,
} from '@dicom-router/contracts';
import type { Logger } from '@dicom-router/service-runtime';
import type { Msg, NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { NegotiateAssociation } from '../../application/negotiate-association/negotiate-association.use-case';
import { REGISTRY_CHANGES, type RegistryChanges } from '../../application/registry-changes/registry-changes';
import { LOGGER, NATS_URL } from '../../tokens';

/**
 * The registry on NATS (when NATS_URL is set): answers `dicom.commands.association.negotiate.v1`
 * requests in the registry's queue group (core request/reply: one replica answers each), and
 * publishes `dicom.notices.registry.changed.v1` after every committed change.
 */
@Injectable()
export class NatsNegotiation implements OnModuleInit, OnApplicationShutdown {
  private nc: NatsConnection | null = null;
  private unsubscribeChanges: (() => void) | null = null;

  constructor(
    @Inject(NATS_URL) private readonly natsUrl: string,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(REGISTRY_CHANGES) private readonly changes: RegistryChanges,
    private readonly negotiate: NegotiateAssociation,
  ) {}

  async onModuleInit(): Promise<void> {
    // After the first connection the client reconnects forever; requests sent meanwhile time out at the gateway.
    const nc = await connect({ servers: this.natsUrl.split(','), name: 'association-registry', maxReconnectAttempts: -1, reconnectTimeWait: 500 });
    this.nc = nc;
    nc.subscribe(COMMAND_SUBJECTS.negotiateAssociation, {
      queue: NEGOTIATION_QUEUE_GROUP,
      callback: (err: Error | null, msg: Msg) => {
        if (err) {
          this.logger.warn({ err: err.message }, 'negotiation subscription error');
          return;
        }
        void this.answer(msg);
      },
    });
    this.unsubscribeChanges = this.changes.subscribe((notice) => {
      try {
        nc.publish(NOTICE_SUBJECTS.registryChanged, JSON.stringify(notice));
      } catch (err) {
        this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'registry change notice not published');
      }
    });
    // A round trip proves the subscription is registered on the server before we report ready.
    await nc.flush();
    this.logger.info({ subject: COMMAND_SUBJECTS.negotiateAssociation, queue: NEGOTIATION_QUEUE_GROUP }, 'answering negotiation requests over NATS');
  }

  private async answer(msg: Msg): Promise<void> {
    let reply: NegotiateAssociationReplyV1;
    try {
      const parsed = parseNegotiateAssociationRequest(parseJson(msg.string()));
      if (!parsed.ok) {
        reply = { outcome: 'error', message: `malformed negotiation request: ${parsed.problems.join('; ')}` };
        this.logger.warn({ problems: parsed.problems }, 'malformed negotiation request');
      } else {
        reply = await this.negotiate.execute(parsed.value);
        this.logger.debug(
          { callingAet: parsed.value.callingAet, calledAet: parsed.value.calledAet, listener: parsed.value.listener.name, outcome: reply.outcome },
          'negotiation answered',
        );
      }
    } catch (err) {
      // The database is down, for example: the gateway rejects transiently.
      reply = { outcome: 'error', message: `negotiation failed: ${err instanceof Error ? err.message : String(err)}` };
      this.logger.error({ err }, 'negotiation failed');
    }
    if (!msg.reply) return;
    try {
      msg.respond(JSON.stringify(reply));
    } catch (err) {
      this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'negotiation reply not sent');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribeChanges?.();
    // drain: answers in flight are sent, then the connection closes.
    await this.nc?.drain().catch(() => this.nc?.close());
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
