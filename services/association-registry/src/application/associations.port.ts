import type { Association, AssociationDraft } from '../domain/association';

/** Where associations live. Every method is atomic on its own. */
export interface Associations {
  list(): Promise<Association[]>;
  get(id: string): Promise<Association | undefined>;
  findByAeTitles(callingAet: string, calledAet: string): Promise<Association | undefined>;
  /** Whether any association has this calling AET (tells reason 3 from reason 7 in negotiation). */
  hasCallingAet(callingAet: string): Promise<boolean>;
  /** Throws ConflictError when the (calling, called) pair exists. */
  create(draft: AssociationDraft): Promise<Association>;
  /** Applies `change` to the stored association under a row lock; throws NotFoundError when it is gone. */
  update(id: string, change: (current: Association) => Association): Promise<Association>;
  /** False when there was nothing to delete. */
  delete(id: string): Promise<boolean>;
}

export const ASSOCIATIONS = Symbol('ASSOCIATIONS');
