import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { DestinationSender, type DeliveryResult, type DestinationEcho, type EchoOutcome, type InstanceSender } from '@dicom-router/destinations';
import { GatewaySettings } from '../../gateway-settings';
import { GATEWAY_SETTINGS } from '../../tokens';
import { ObjectStorage } from '../object-storage';

/** The destinations of production.yaml over this process's StorageLocation, closed with the application. */
@Injectable()
export class Destinations implements InstanceSender, DestinationEcho, OnApplicationShutdown {
  readonly sender: DestinationSender;

  constructor(@Inject(GATEWAY_SETTINGS) settings: GatewaySettings, storage: ObjectStorage) {
    this.sender = new DestinationSender(storage.location, {
      destinations: settings.production.destinations,
      implementation: settings.production.implementation,
      tls: settings.tls,
    });
  }

  sendStoredInstance(destination: string, storageKey: string, known?: { sopClassUid: string; transferSyntaxUid: string }): Promise<DeliveryResult> {
    return this.sender.sendStoredInstance(destination, storageKey, known);
  }

  echo(destination: string): Promise<EchoOutcome> {
    return this.sender.echo(destination);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sender.close();
  }
}
