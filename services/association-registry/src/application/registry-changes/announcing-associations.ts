import type { RegistryChangeV1 } from '@dicom-router/contracts';
import type { Association, AssociationDraft } from '../../domain/association';
import type { Associations } from '../associations.port';
import type { RegistryChanges } from './registry-changes';

/**
 * The Associations store, announcing every write after it committed. Every use case that changes
 * associations (REST create/update/delete, presentation-context edits, import, create-all, the
 * production.yaml upsert) goes through create, update or delete, so none can forget to announce.
 */
export class AnnouncingAssociations implements Associations {
  constructor(
    private readonly inner: Associations,
    private readonly changes: RegistryChanges,
  ) {}

  list(): Promise<Association[]> {
    return this.inner.list();
  }

  get(id: string): Promise<Association | undefined> {
    return this.inner.get(id);
  }

  findByAeTitles(callingAet: string, calledAet: string): Promise<Association | undefined> {
    return this.inner.findByAeTitles(callingAet, calledAet);
  }

  hasCallingAet(callingAet: string): Promise<boolean> {
    return this.inner.hasCallingAet(callingAet);
  }

  async create(draft: AssociationDraft): Promise<Association> {
    const created = await this.inner.create(draft);
    this.announce('created', created);
    return created;
  }

  async update(id: string, change: (current: Association) => Association): Promise<Association> {
    const updated = await this.inner.update(id, change);
    this.announce('updated', updated);
    return updated;
  }

  async delete(id: string): Promise<boolean> {
    const existing = await this.inner.get(id);
    const deleted = await this.inner.delete(id);
    // Announced even when another request deleted it first: a cached answer for it is stale either way.
    if (existing) this.announce('deleted', existing);
    return deleted;
  }

  private announce(change: RegistryChangeV1, association: Association): void {
    this.changes.announce({ change, callingAet: association.callingAet, calledAet: association.calledAet, at: new Date().toISOString() });
  }
}
