import type { EventDataMap } from './events';
import { EVENT_SUBJECTS, eventTypeOf, subjectOfType, type EventKey, type EventSubject, type EventTypeOf } from './subjects';

/** A CloudEvents 1.0 event in structured JSON mode (the bytes of every message on `dicom.events.>`). */
export interface CloudEventJson<T = unknown> {
  specversion: '1.0';
  /** UUID v4; also sent as `Nats-Msg-Id`, so republishing the same event is deduplicated. */
  id: string;
  /** URI reference of the emitting service, e.g. `/dicom-router/dicom-gateway`. */
  source: string;
  type: string;
  /** The SOP Instance UID when the event is about one instance. */
  subject?: string;
  time: string;
  datacontenttype: 'application/json';
  data: T;
}

export type DicomEvent<K extends EventKey> = CloudEventJson<EventDataMap[K]> & {
  type: EventTypeOf<(typeof EVENT_SUBJECTS)[K]>;
};

/** Union of every event of the contract; `type` narrows `data`. */
export type AnyDicomEvent = { [K in keyof EventDataMap]: DicomEvent<K> }[keyof EventDataMap];

export interface MakeEventOptions {
  source: string;
  /** Defaults to `data.sopInstanceUid` when the payload has one. */
  subject?: string;
  /** A stable id (e.g. an outbox row's) keeps dedupe working when the same fact is re-emitted. */
  id?: string;
  time?: Date;
}

export function eventSource(service: string): string {
  return `/dicom-router/${service}`;
}

export function makeEvent<K extends EventKey>(key: K, data: EventDataMap[K], options: MakeEventOptions): DicomEvent<K> {
  if (!options.source) throw new TypeError('CloudEvents: source is required');
  const subject = options.subject ?? sopInstanceUidOf(data);
  return {
    specversion: '1.0',
    id: options.id ?? globalThis.crypto.randomUUID(),
    source: options.source,
    type: eventTypeOf(EVENT_SUBJECTS[key]),
    ...(subject === undefined ? {} : { subject }),
    time: (options.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    data,
  };
}

export function isEvent<K extends EventKey>(event: CloudEventJson, key: K): event is DicomEvent<K> {
  return event.type === eventTypeOf(EVENT_SUBJECTS[key]);
}

/** NATS subject an event is published on, from its `type`. */
export function subjectOfEvent(event: Pick<CloudEventJson, 'type'>): EventSubject {
  const subject = subjectOfType(event.type);
  if (!subject) throw new TypeError(`CloudEvents: type ${JSON.stringify(event.type)} is not in the event contract`);
  return subject;
}

/** Structural check of a received event: the required CloudEvents 1.0 attributes and a JSON `data`. */
export function parseCloudEventJson(text: string): CloudEventJson {
  const value: unknown = JSON.parse(text);
  if (typeof value !== 'object' || value === null) throw new TypeError('CloudEvents: not a JSON object');
  const event = value as Record<string, unknown>;
  if (event['specversion'] !== '1.0') throw new TypeError('CloudEvents: specversion must be "1.0"');
  for (const attribute of ['id', 'source', 'type'] as const) {
    if (typeof event[attribute] !== 'string' || event[attribute] === '') {
      throw new TypeError(`CloudEvents: ${attribute} must be a non-empty string`);
    }
  }
  return value as CloudEventJson;
}

function sopInstanceUidOf(data: unknown): string | undefined {
  const uid = (data as { sopInstanceUid?: unknown }).sopInstanceUid;
  return typeof uid === 'string' ? uid : undefined;
}
