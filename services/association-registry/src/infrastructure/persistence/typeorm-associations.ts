import type { Database } from '@dicom-router/persistence';
import { In, type EntityManager } from 'typeorm';
import type { Associations } from '../../application/associations.port';
import { associationNotFound } from '../../application/not-found';
import type { Association, AssociationDraft, PresentationContext } from '../../domain/association';
import { ConflictError } from '../../domain/errors';
import { AssociationRow } from './association.entity';
import { PresentationContextRow } from './presentation-context.entity';

/** Rows per INSERT: 4 parameters each stays far below PostgreSQL's 65,535 bind parameters. */
const INSERT_CHUNK = 1000;
const UNIQUE_VIOLATION = '23505';

/** Associations in PostgreSQL (DATABASE_URL or the embedded server) through the service's Database. */
export class TypeormAssociations implements Associations {
  constructor(private readonly db: Database) {}

  list(): Promise<Association[]> {
    return this.db.run(async (m) => withContexts(m, await m.find(AssociationRow, { order: { callingAet: 'ASC', calledAet: 'ASC' } })));
  }

  get(id: string): Promise<Association | undefined> {
    return this.db.run(async (m) => (await withContexts(m, await m.findBy(AssociationRow, { id })))[0]);
  }

  findByAeTitles(callingAet: string, calledAet: string): Promise<Association | undefined> {
    return this.db.run(async (m) => (await withContexts(m, await m.findBy(AssociationRow, { callingAet, calledAet })))[0]);
  }

  hasCallingAet(callingAet: string): Promise<boolean> {
    return this.db.run((m) => m.existsBy(AssociationRow, { callingAet }));
  }

  async create(draft: AssociationDraft): Promise<Association> {
    try {
      return await this.db.transaction(async (m) => {
        const inserted = await m.insert(AssociationRow, {
          name: draft.name,
          description: draft.description,
          callingAet: draft.callingAet,
          calledAet: draft.calledAet,
        });
        const id = inserted.identifiers[0]['id'] as string;
        await insertContexts(m, id, draft.presentationContexts);
        return { id, ...draft };
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new ConflictError(`an association ${draft.callingAet} → ${draft.calledAet} already exists; change that one or delete it first`);
      }
      throw err;
    }
  }

  update(id: string, change: (current: Association) => Association): Promise<Association> {
    return this.db.transaction(async (m) => {
      // The row lock makes concurrent edits of one association apply one after the other, none lost.
      const row = await m.findOne(AssociationRow, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw associationNotFound(id);
      const [current] = await withContexts(m, [row]);
      const next = change(current);
      await m.update(AssociationRow, { id }, { name: next.name, description: next.description, updatedAt: () => 'now()' });
      await m.delete(PresentationContextRow, { associationId: id });
      await insertContexts(m, id, next.presentationContexts);
      return { ...next, id, callingAet: current.callingAet, calledAet: current.calledAet };
    });
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.run((m) => m.delete(AssociationRow, { id }));
    return (result.affected ?? 0) > 0;
  }
}

async function withContexts(m: EntityManager, rows: AssociationRow[]): Promise<Association[]> {
  if (rows.length === 0) return [];
  const contexts = await m.find(PresentationContextRow, {
    where: { associationId: In(rows.map((r) => r.id)) },
    order: { associationId: 'ASC', position: 'ASC' },
  });
  const byAssociation = new Map<string, PresentationContext[]>();
  for (const c of contexts) {
    const list = byAssociation.get(c.associationId) ?? [];
    list.push({ abstractSyntax: c.abstractSyntax, transferSyntaxes: c.transferSyntaxes });
    byAssociation.set(c.associationId, list);
  }
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    callingAet: r.callingAet,
    calledAet: r.calledAet,
    presentationContexts: byAssociation.get(r.id) ?? [],
  }));
}

async function insertContexts(m: EntityManager, associationId: string, contexts: readonly PresentationContext[]): Promise<void> {
  const rows = contexts.map((c, position) => ({
    associationId,
    abstractSyntax: c.abstractSyntax,
    position,
    transferSyntaxes: [...c.transferSyntaxes],
  }));
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await m.insert(PresentationContextRow, rows.slice(i, i + INSERT_CHUNK));
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown; driverError?: { code?: unknown } } | null;
  return e?.code === UNIQUE_VIOLATION || e?.driverError?.code === UNIQUE_VIOLATION;
}
