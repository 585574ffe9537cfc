import { type AssociationConfig, ConfigError } from '@dicom-router/config';
import { ValidationError } from '../../domain/errors';
import type { UpsertFromProduction, UpsertSummary } from './upsert-from-production.use-case';

/**
 * The start-up upsert of production.yaml `associations`: an association the registry refuses is a
 * configuration mistake, reported like every other one (ConfigError: the process exits 2, naming each).
 */
export async function upsertAtStart(upsert: UpsertFromProduction, associations: readonly AssociationConfig[]): Promise<UpsertSummary> {
  try {
    return await upsert.execute(associations);
  } catch (err) {
    if (err instanceof ValidationError) {
      const lines = err.message.split('\n').slice(1);
      throw new ConfigError('production.yaml associations (association registry)', lines.length > 0 ? lines : [err.message]);
    }
    throw err;
  }
}
