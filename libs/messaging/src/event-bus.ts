import type { CloudEventJson } from '@dicom-router/contracts';

export interface DeliveryContext {
  /** 1 on first delivery; higher when an earlier attempt failed or was not acknowledged in time. */
  attempt: number;
}

export type EventHandler = (event: CloudEventJson, context: DeliveryContext) => Promise<void>;

/** Told about every failed handler call, which will be retried; services log it. */
export type HandlerErrorListener = (error: unknown, event: CloudEventJson, context: DeliveryContext) => void;

export interface EventConsumer {
  /** Names the consumer's position in the stream: a restarted service resumes where it stopped. */
  durableName: string;
  /** Resolving acknowledges the event; throwing asks for it again later (at-least-once). */
  handler: EventHandler;
}

export interface Subscription {
  readonly durableName: string;
  /** Stops receiving and waits for the handler in progress; the durable position is kept. */
  close(): Promise<void>;
}

export interface PublishResult {
  /** True when this event id was already accepted within the dedupe window, so nothing new was stored. */
  duplicate: boolean;
  /**
   * In-process bus only, which keeps nothing across a restart: resolves once every durable consumer
   * that took the event has handled it (or given up on it), rejects when one cannot (its subscribers
   * left, the bus closed). A repeated id gets the first publish's promise while its consumers are still
   * at it, none once they are done. Whoever holds the event durably (an outbox row) lets go of it only
   * then; a publisher that waits for it knows the consumers have committed what they took from it.
   */
  handled?: Promise<void>;
}

export interface EventBus {
  /** Resolves only once the event is durable (JetStream PubAck); a repeated event id is deduplicated. */
  publish(event: CloudEventJson): Promise<PublishResult>;
  /** `filter` is a subject of the contract, or a wildcard such as `dicom.events.delivery.*.v1` or `dicom.events.>`. */
  subscribe(filter: string, consumer: EventConsumer): Promise<Subscription>;
  close(): Promise<void>;
}

/** Durable names become NATS API subject tokens. */
export function assertDurableName(name: string): void {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
    throw new TypeError(`durable name ${JSON.stringify(name)}: use 1-64 letters, digits, '-' or '_'`);
  }
}
