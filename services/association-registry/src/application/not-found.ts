import { NotFoundError } from '../domain/errors';

export function associationNotFound(id: string): NotFoundError {
  return new NotFoundError(`no association has id ${id}; GET /api/v1/associations lists them`);
}
