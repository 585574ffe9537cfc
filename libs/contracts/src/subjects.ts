/**
 * NATS subjects of the public event API (DESIGN.md §4). A subject's last part carries the payload
 * version: a breaking change to a payload is a new subject (`….v2`) published beside the old one.
 */
export const EVENT_SUBJECTS = {
  associationAccepted: 'dicom.events.association.accepted.v1',
  associationRejected: 'dicom.events.association.rejected.v1',
  associationReleased: 'dicom.events.association.released.v1',
  associationAborted: 'dicom.events.association.aborted.v1',
  instanceStored: 'dicom.events.instance.stored.v1',
  deliverySucceeded: 'dicom.events.delivery.succeeded.v1',
  deliveryFailed: 'dicom.events.delivery.failed.v1',
  worklistQueried: 'dicom.events.worklist.queried.v1',
  alert: 'dicom.events.alert.v1',
} as const;

export type EventKey = keyof typeof EVENT_SUBJECTS;
export type EventSubject = (typeof EVENT_SUBJECTS)[EventKey];

export const EVENT_SUBJECT_PREFIX = 'dicom.events';

/** The JetStream stream that stores every event; other teams bind their consumers to it. */
export const EVENTS_STREAM = {
  name: 'DICOM_EVENTS',
  subjects: `${EVENT_SUBJECT_PREFIX}.>`,
} as const;

/**
 * Internal commands (route, deliver, negotiate, find) live under `dicom.commands.<noun>.<verb>.v<n>`,
 * outside `dicom.events.>` so they never enter the public stream. None is defined yet; each one added
 * here states whether it is durable (a JetStream work queue, where losing it would lose an instance)
 * or a core NATS request/reply.
 */
export const COMMAND_SUBJECT_PREFIX = 'dicom.commands';
export const COMMAND_SUBJECTS = {} as const;

/** CloudEvents `type` of a subject: `dicom.events.instance.stored.v1` → `dicom.instance.stored.v1`. */
export type EventTypeOf<S extends string> = S extends `${typeof EVENT_SUBJECT_PREFIX}.${infer Rest}` ? `dicom.${Rest}` : never;
export type EventType = EventTypeOf<EventSubject>;

export function eventTypeOf<S extends EventSubject>(subject: S): EventTypeOf<S> {
  return `dicom.${subject.slice(EVENT_SUBJECT_PREFIX.length + 1)}` as EventTypeOf<S>;
}

const SUBJECT_BY_TYPE = new Map<string, EventSubject>(
  Object.values(EVENT_SUBJECTS).map((subject) => [eventTypeOf(subject), subject]),
);

/** Inverse of {@link eventTypeOf}; undefined for a type this contract does not define. */
export function subjectOfType(type: string): EventSubject | undefined {
  return SUBJECT_BY_TYPE.get(type);
}
