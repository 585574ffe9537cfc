import { openDatabase, type Database } from '../database/data-source';
import { OUTBOX_ENTITIES, OUTBOX_MIGRATIONS } from '../outbox/outbox';
import { createTestDatabase } from '../testing';
import { tempDir } from './temp-dir';

export interface Backend {
  name: 'embedded' | 'postgres';
  /** A database with the outbox migrated; dispose() closes and removes it. */
  open(): Promise<{ db: Database; dispose(): Promise<void> }>;
}

/** Specs that must hold on both backends run once for each. */
export const BACKENDS: Backend[] = [
  {
    name: 'embedded',
    open: async () => {
      const dir = await tempDir();
      const db = await openDatabase({ dataDir: dir.path, entities: OUTBOX_ENTITIES, migrations: OUTBOX_MIGRATIONS });
      return { db, dispose: () => db.close().finally(() => dir.remove()) };
    },
  },
  {
    name: 'postgres',
    open: async () => {
      const pg = await createTestDatabase();
      const db = await openDatabase({ url: pg.url, dataDir: '/nonexistent', entities: OUTBOX_ENTITIES, migrations: OUTBOX_MIGRATIONS });
      return { db, dispose: () => db.close().finally(() => pg.drop()) };
    },
  },
];

export interface OutboxRow {
  id: string;
  attempts: number;
  last_error: string | null;
  published: boolean;
}

export function outboxRows(db: Database): Promise<OutboxRow[]> {
  return db.run((m) =>
    m.query('SELECT id, attempts, last_error, published_at IS NOT NULL AS published FROM outbox_event ORDER BY created_at, seq'),
  );
}
