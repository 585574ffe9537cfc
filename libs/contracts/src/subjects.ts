/**
 * NATS subjects of the public event API (docs/architecture.md §4). A subject's last part carries the payload
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
 * outside `dicom.events.>` so they never enter the public stream. Each one states whether it is
 * durable (a JetStream work queue, where losing it would lose an instance) or a core NATS request/reply.
 *
 * - `negotiateAssociation`: core NATS request/reply, not durable (a requester waiting for an
 *   A-ASSOCIATE-AC/RJ is the only one who cares; on no answer the gateway rejects transiently).
 *   Request {@link NegotiateAssociationRequestV1}, reply {@link NegotiateAssociationReplyV1}
 *   (./negotiation.ts). association-registry answers in the queue group {@link NEGOTIATION_QUEUE_GROUP}.
 * - `worklistFind`: core NATS request with a stream of replies, not durable: a C-FIND answer is only
 *   worth anything to the modality still waiting on its association, and a lost query is simply
 *   asked again; persisting it would only delay the matches. worklist-process answers in the queue
 *   group `worklist-process`, publishing each match to the request's reply subject as it is made,
 *   then a final message. Flow control and C-CANCEL travel on `worklistFindControl.<queryId>`
 *   (credit for more matches, or cancel), which the answering replica subscribes to.
 * - `routeInstance`: durable, a JetStream work queue (stream `DICOM_COMMANDS`): a synchronous
 *   listener's instance must reach its destinations even if a router replica dies. Command
 *   {@link RouteInstanceCommandV1}, verdict {@link RouteVerdictV1} on the command's `replyTo`
 *   (./routing.ts).
 */
export const COMMAND_SUBJECT_PREFIX = 'dicom.commands';
export const COMMAND_SUBJECTS = {
  negotiateAssociation: 'dicom.commands.association.negotiate.v1',
  worklistFind: 'dicom.commands.worklist.find.v1',
  worklistFindControl: 'dicom.commands.worklist.find-control.v1',
  routeInstance: 'dicom.commands.route.instance.v1',
} as const;

/**
 * Internal notices: core NATS publish, not durable, no reply; a missed notice is covered by the
 * subscriber's own safety net (e.g. dropping caches on reconnect).
 *
 * - `registryChanged`: association-registry publishes {@link RegistryChangedNoticeV1} after every
 *   committed change of an association (create, update, delete, import, create-all, upsert at start);
 *   gateways drop their cached negotiation answers.
 */
export const NOTICE_SUBJECT_PREFIX = 'dicom.notices';
export const NOTICE_SUBJECTS = {
  registryChanged: 'dicom.notices.registry.changed.v1',
} as const;

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
