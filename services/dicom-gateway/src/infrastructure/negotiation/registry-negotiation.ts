import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { AssociationPolicy } from '@dicom-router/dicom-network';
import type { Logger } from '@dicom-router/service-runtime';
import { LOGGER } from '../../tokens';
import type { AssociationNegotiator } from './association-negotiator';
import { NegotiationCache } from './negotiation-cache';
import { RegistryAssociationPolicy, type RegistryListenerSettings } from './registry-association-policy';

/** Absent when no listener negotiates through the registry. */
export const ASSOCIATION_NEGOTIATOR = Symbol('ASSOCIATION_NEGOTIATOR');

/** How long a listener waits for the registry before rejecting transiently; well inside a requester's ARTIM. */
export const NEGOTIATION_TIMEOUT_MS = 3_000;

/** The registry policies of every listener with `negotiation: registry`, sharing one cache. */
@Injectable()
export class RegistryNegotiation implements OnApplicationShutdown {
  private readonly cache = new NegotiationCache();
  private readonly stopListening: (() => void) | undefined;

  constructor(
    @Inject(ASSOCIATION_NEGOTIATOR) private readonly negotiator: AssociationNegotiator | null,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.stopListening = negotiator?.onCacheInvalid((why) => {
      const dropped = this.cache.size;
      this.cache.clear();
      this.logger.debug({ why, dropped }, 'negotiation cache cleared');
    });
  }

  policyFor(listener: RegistryListenerSettings): AssociationPolicy {
    if (!this.negotiator) throw new Error(`listener ${listener.name}: negotiation "registry" needs NATS_URL or the registry in this process`);
    const log = this.logger.child({ listener: listener.name });
    return new RegistryAssociationPolicy(listener, this.negotiator, this.cache, NEGOTIATION_TIMEOUT_MS, (err) =>
      log.warn({ err: err.message }, 'association registry unavailable: rejecting transiently'),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopListening?.();
    await this.negotiator?.close();
  }
}
