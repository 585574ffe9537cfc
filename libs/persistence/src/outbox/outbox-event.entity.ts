import type { CloudEventJson } from '@dicom-router/contracts';
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One event waiting for (or recently given to) the bus; see OutboxRelay. */
@Entity({ name: 'outbox_event' })
// Serves both the relay's "oldest unpublished first" scan and the retention purge.
@Index('IDX_outbox_event_published_at_created_at', ['publishedAt', 'createdAt'])
export class OutboxEvent {
  /** The CloudEvent id, which JetStream also uses to deduplicate (Nats-Msg-Id). */
  @PrimaryColumn('uuid')
  id!: string;

  /** The NATS subject the event is published on. */
  @Column('text')
  subject!: string;

  /** The whole CloudEvent, structured JSON mode, kept as written (`json`, not `jsonb`). */
  @Column('json')
  payload!: CloudEventJson;

  // clock_timestamp(), not now(): rows added in one transaction get increasing times.
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  createdAt!: Date;

  /** Breaks created_at ties in insertion order: two rows may share a timestamp. */
  @Column({ type: 'bigint', generated: 'identity', generatedIdentity: 'ALWAYS', update: false })
  seq!: string;

  /** Failed publish attempts. */
  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;
}
