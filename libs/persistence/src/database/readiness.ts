import type { Database } from './data-source';

/**
 * The readiness probe of a service that needs its database (shape of service-runtime's ReadinessCheck):
 * up while a trivial query answers, through the same queue as every other statement.
 */
export function databaseReadiness(db: Database) {
  return {
    name: 'database',
    async probe() {
      try {
        await db.run((m) => m.query('SELECT 1'));
        return { up: true, details: { kind: db.kind } };
      } catch (err) {
        return { up: false, details: { kind: db.kind, error: err instanceof Error ? err.message : String(err) } };
      }
    },
  };
}
