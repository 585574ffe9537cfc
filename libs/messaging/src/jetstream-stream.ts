import { EVENTS_STREAM, EVENT_SUBJECT_PREFIX } from '@dicom-router/contracts';
import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';

export interface EventStreamSettings {
  /** `DICOM_EVENTS`; tests use a throw-away name. */
  name: string;
  /**
   * Where the contract's `dicom.events` namespace lives in this NATS account. Only tests (or a shared
   * account hosting several routers) change it; other teams subscribe to `dicom.events.>`.
   */
  subjectPrefix: string;
  /** Events older than this are dropped; consumers down for longer miss them. */
  maxAgeMs: number;
  /** Republishing an event id within this window is acknowledged but not stored again. */
  duplicateWindowMs: number;
  /** Events are metadata only (the instance lives in the StorageLocation), so 1 MiB is generous. */
  maxMsgSize: number;
  /** -1: bounded by age only. With a cap, the oldest events are discarded first. */
  maxBytes: number;
  /** 1 for a single server; 3 for a clustered production NATS. */
  replicas: number;
}

export const DEFAULT_STREAM_SETTINGS: EventStreamSettings = {
  name: EVENTS_STREAM.name,
  subjectPrefix: EVENT_SUBJECT_PREFIX,
  maxAgeMs: 7 * 24 * 60 * 60 * 1000,
  duplicateWindowMs: 2 * 60 * 1000,
  maxMsgSize: 1024 * 1024,
  maxBytes: -1,
  replicas: 1,
};

/**
 * Only fields nats-server 2.9 understands: no `metadata`, no `subject_transform`, no `allow_msg_ttl`
 * (Debian 12 ships nats-server 2.9, which the tests run against). Newer servers accept the same config unchanged.
 */
export function streamConfig(settings: EventStreamSettings): StreamConfig {
  return {
    name: settings.name,
    description: 'DICOM Router events (CloudEvents 1.0 JSON), see libs/contracts/asyncapi.yaml',
    subjects: [`${settings.subjectPrefix}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(settings.maxAgeMs),
    duplicate_window: nanos(settings.duplicateWindowMs),
    max_msg_size: settings.maxMsgSize,
    max_bytes: settings.maxBytes,
    max_msgs: -1,
    max_msgs_per_subject: -1,
    max_consumers: -1,
    num_replicas: settings.replicas,
  } as StreamConfig;
}

const MANAGED_FIELDS = [
  'subjects',
  'retention',
  'storage',
  'discard',
  'max_age',
  'duplicate_window',
  'max_msg_size',
  'max_bytes',
  'num_replicas',
  'description',
] as const satisfies readonly (keyof StreamConfig)[];

/**
 * Creates the stream, or updates it when a managed limit differs. Safe to run from every replica at
 * start-up: a concurrent create with the same config succeeds, and a lost race falls back to update.
 */
export async function ensureEventStream(jsm: JetStreamManager, settings: EventStreamSettings): Promise<StreamInfo> {
  const wanted = streamConfig(settings);
  const existing = await streamInfo(jsm, settings.name);
  if (!existing) {
    try {
      return await jsm.streams.add(wanted);
    } catch (err) {
      if (!(await streamInfo(jsm, settings.name))) throw err;
    }
  }
  const current = existing ?? (await jsm.streams.info(settings.name));
  if (MANAGED_FIELDS.every((field) => sameValue(current.config[field], wanted[field]))) return current;
  return jsm.streams.update(settings.name, wanted);
}

async function streamInfo(jsm: JetStreamManager, name: string): Promise<StreamInfo | null> {
  try {
    return await jsm.streams.info(name);
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) return null;
    throw err;
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
