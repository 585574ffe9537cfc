import type { AssociationDraft, Association } from '../domain/association';
import { ConflictError } from '../domain/errors';
import type { Associations } from './associations.port';

export interface CreateOrReplaceResult {
  readonly association: Association;
  readonly created: boolean;
}

/**
 * Creates the association of `draft`'s AE title pair or, when it exists and `overwrite` allows,
 * replaces its presentation contexts (and, with `details`, its name and description) keeping its id.
 */
export async function createOrReplace(
  associations: Associations,
  draft: AssociationDraft,
  overwrite: { replace: boolean; details?: boolean },
): Promise<CreateOrReplaceResult> {
  const existing = await associations.findByAeTitles(draft.callingAet, draft.calledAet);
  if (!existing) return { association: await associations.create(draft), created: true };
  if (!overwrite.replace) {
    throw new ConflictError(
      `an association ${draft.callingAet} → ${draft.calledAet} already exists (id ${existing.id}); ` +
        'pass overwrite=true to replace its presentation contexts, or delete it first',
    );
  }
  const association = await associations.update(existing.id, (current) => ({
    ...current,
    ...(overwrite.details ? { name: draft.name, description: draft.description } : {}),
    presentationContexts: draft.presentationContexts,
  }));
  return { association, created: false };
}
