import { Inject, Injectable } from '@nestjs/common';
import { eventSource } from '@dicom-router/contracts';
import { DuplicatePolicy, StoreInstanceUseCase } from '../application/store-instance/store-instance.use-case';
import { GatewaySettings } from '../gateway-settings';
import { GATEWAY_SETTINGS } from '../tokens';
import { DurableEvents } from './durable-events';
import { ObjectStorage } from './object-storage';
import { GatewayStoreIntentLog } from './store-intent-log';

/** PS3.5: the attributes events and rules need come before the pixel data; 1 MiB bounds the wait. */
const LEADING_ATTRIBUTES_MAX_BYTES = 1024 * 1024;

/** Builds the store use case over this process's StorageLocation, durable events and store intents. */
@Injectable()
export class StoreInstances {
  constructor(
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    private readonly storage: ObjectStorage,
    private readonly durableEvents: DurableEvents,
    private readonly intents: GatewayStoreIntentLog,
  ) {}

  create(duplicatePolicy: DuplicatePolicy): StoreInstanceUseCase {
    return new StoreInstanceUseCase(this.storage.location, this.durableEvents, this.intents, {
      implementation: this.settings.production.implementation,
      duplicatePolicy,
      leadingAttributesMaxBytes: LEADING_ATTRIBUTES_MAX_BYTES,
      eventSource: eventSource('dicom-gateway'),
    });
  }
}
