import { COMMAND_SUBJECTS, ROUTE_COMMANDS_CONSUMER, ROUTE_COMMANDS_STREAM } from '@dicom-router/contracts';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type ConsumerInfo,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';

/** A republished command (same `Nats-Msg-Id`) within this window is stored once. */
const DUPLICATE_WINDOW_MS = 2 * 60_000;

/**
 * The work queue of route commands: a command stays until one router acknowledges it. Created by
 * whichever side starts first (gateway or storage-router); only fields nats-server 2.9 knows.
 */
export async function ensureRouteCommandStream(jsm: JetStreamManager): Promise<StreamInfo> {
  const wanted = {
    name: ROUTE_COMMANDS_STREAM.name,
    description: 'DICOM Router route commands (libs/contracts/src/routing.ts), a work queue',
    subjects: [...ROUTE_COMMANDS_STREAM.subjects],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    max_msgs: -1,
    max_bytes: -1,
    max_age: 0,
    num_replicas: 1,
  } as Partial<StreamConfig> as StreamConfig;
  const existing = await info(() => jsm.streams.info(wanted.name));
  if (existing) return existing;
  try {
    return await jsm.streams.add(wanted);
  } catch (error) {
    // Another replica created it at the same moment.
    const created = await info(() => jsm.streams.info(wanted.name));
    if (!created) throw error;
    return created;
  }
}

export interface RouteConsumerSettings {
  /** Unacknowledged this long (the router died) → redelivered to another replica. */
  ackWaitMs: number;
  maxDeliver: number;
  /** Commands a replica works on at once. */
  maxAckPending: number;
}

/** The durable pull consumer all storage-router replicas share; limits updated in place. */
export async function ensureRouteCommandConsumer(jsm: JetStreamManager, settings: RouteConsumerSettings): Promise<ConsumerInfo> {
  const limits = { ack_wait: nanos(settings.ackWaitMs), max_deliver: settings.maxDeliver, max_ack_pending: settings.maxAckPending };
  const existing = await info(() => jsm.consumers.info(ROUTE_COMMANDS_STREAM.name, ROUTE_COMMANDS_CONSUMER));
  if (!existing) {
    return jsm.consumers.add(ROUTE_COMMANDS_STREAM.name, {
      durable_name: ROUTE_COMMANDS_CONSUMER,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: COMMAND_SUBJECTS.routeInstance,
      ...limits,
    });
  }
  const changed = (Object.keys(limits) as (keyof typeof limits)[]).some((key) => existing.config[key] !== limits[key]);
  return changed ? jsm.consumers.update(ROUTE_COMMANDS_STREAM.name, ROUTE_COMMANDS_CONSUMER, limits) : existing;
}

async function info<T>(get: () => Promise<T>): Promise<T | null> {
  try {
    return await get();
  } catch (error) {
    if (
      error instanceof JetStreamApiError &&
      (error.code === JetStreamApiCodes.StreamNotFound || error.code === JetStreamApiCodes.ConsumerNotFound)
    ) {
      return null;
    }
    throw error;
  }
}
