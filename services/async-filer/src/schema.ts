import { OUTBOX_ENTITIES, OUTBOX_MIGRATIONS } from '@dicom-router/persistence';
import { CreateFilerQueue1796000000000 } from './infrastructure/persistence/migrations/1796000000000-create-filer-queue';

/** The queue tables alone, for a host that already has the outbox. */
export const FILER_QUEUE_MIGRATIONS = [CreateFilerQueue1796000000000];
/** The queue tables are written with SQL of their own; the outbox carries the alerts. */
export const FILER_ENTITIES = [...OUTBOX_ENTITIES];
export const FILER_MIGRATIONS = [...OUTBOX_MIGRATIONS, ...FILER_QUEUE_MIGRATIONS];
