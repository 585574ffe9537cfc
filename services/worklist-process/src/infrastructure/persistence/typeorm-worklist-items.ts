import type { Database } from '@dicom-router/persistence';
import type { DicomJson, MatchOptions, WorklistQuery } from '@dicom-router/worklist';
import type { EntityManager } from 'typeorm';
import type { CandidatePage, NewItem, StoredItem, WorklistItems } from '../../application/worklist-items.port';
import { candidateFilter } from './candidate-filter';
import { WorklistItemRow } from './worklist-item.entity';
import { WorklistStepRow } from './worklist-step.entity';

/** Rows per INSERT, far below PostgreSQL's 65,535 bind parameters. */
const INSERT_CHUNK = 500;
/** Items in one request from which statistics are refreshed at once. */
const ANALYZE_AFTER = 1000;

/** Worklist items in PostgreSQL (DATABASE_URL or the embedded server) through the service's Database. */
export class TypeormWorklistItems implements WorklistItems {
  constructor(private readonly db: Database) {}

  async create(items: readonly NewItem[]): Promise<StoredItem[]> {
    const stored = await this.insert(items);
    // After a bulk load the planner's statistics lag behind until autovacuum catches up; fresh
    // ones keep station + date queries on their indexes from the first query on.
    if (items.length >= ANALYZE_AFTER) await this.db.run((m) => m.query('ANALYZE worklist_item, worklist_step'));
    return stored;
  }

  private insert(items: readonly NewItem[]): Promise<StoredItem[]> {
    return this.db.transaction(async (m) => {
      const stored: StoredItem[] = [];
      for (let start = 0; start < items.length; start += INSERT_CHUNK) {
        const chunk = items.slice(start, start + INSERT_CHUNK);
        const result = await m.insert(WorklistItemRow, chunk.map((item) => itemColumns(item)));
        const rows = result.identifiers.map((identifier, i) => ({
          id: identifier['id'] as string,
          createdAt: result.generatedMaps[i]?.['createdAt'] as Date,
          updatedAt: result.generatedMaps[i]?.['updatedAt'] as Date,
        }));
        await insertSteps(m, rows.map((r, i) => ({ id: r.id, item: chunk[i] })));
        rows.forEach((r, i) => stored.push({ ...r, attributes: chunk[i].attributes }));
      }
      return stored;
    });
  }

  replace(id: string, item: NewItem): Promise<StoredItem | undefined> {
    return this.db.transaction(async (m) => {
      const result = await m.update(WorklistItemRow, { id }, { ...itemColumns(item), updatedAt: () => 'now()' });
      if (!result.affected) return undefined;
      await m.delete(WorklistStepRow, { itemId: id });
      await insertSteps(m, [{ id, item }]);
      const row = await m.findOneByOrFail(WorklistItemRow, { id });
      return toStored(row);
    });
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.run((m) => m.delete(WorklistItemRow, { id }));
    return (result.affected ?? 0) > 0;
  }

  async get(id: string): Promise<StoredItem | undefined> {
    const row = await this.db.run((m) => m.findOneBy(WorklistItemRow, { id }));
    return row ? toStored(row) : undefined;
  }

  list(offset: number, limit: number): Promise<{ total: number; items: StoredItem[] }> {
    return this.db.run(async (m) => {
      const [rows, total] = await m.findAndCount(WorklistItemRow, { order: { createdAt: 'ASC', id: 'ASC' }, skip: offset, take: limit });
      return { total, items: rows.map(toStored) };
    });
  }

  async countCandidates(query: WorklistQuery, options: MatchOptions): Promise<number> {
    const filter = candidateFilter(query, options);
    const rows = await this.db.run((m) => m.query(`SELECT count(*)::int AS n FROM worklist_item i WHERE ${filter.where}`, filter.params) as Promise<Array<{ n: number }>>);
    return rows[0]?.n ?? 0;
  }

  async candidates(query: WorklistQuery, options: MatchOptions, after: string | undefined, limit: number): Promise<CandidatePage> {
    const filter = candidateFilter(query, options);
    const params = [...filter.params];
    let where = filter.where;
    if (after !== undefined) {
      params.push(after);
      where += ` AND i.id > $${params.length}::uuid`;
    }
    params.push(limit);
    const sql = `SELECT i.id, i.attributes FROM worklist_item i WHERE ${where} ORDER BY i.id LIMIT $${params.length}`;
    const rows = await this.db.run((m) => m.query(sql, params) as Promise<Array<{ id: string; attributes: DicomJson | string }>>);
    const parsed = rows.map((r) => ({ id: r.id, attributes: typeof r.attributes === 'string' ? (JSON.parse(r.attributes) as DicomJson) : r.attributes }));
    return { rows: parsed, after: rows.length === limit ? rows[rows.length - 1].id : undefined };
  }
}

function itemColumns(item: NewItem): Partial<WorklistItemRow> {
  const { index } = item;
  return {
    attributes: item.attributes,
    patientName: clip(index.patientName, 200),
    patientId: clip(index.patientId, 64),
    accessionNumber: clip(index.accessionNumber, 16),
    requestedProcedureId: clip(index.requestedProcedureId, 16),
    studyInstanceUid: clip(index.studyInstanceUid, 64),
    referringPhysicianName: clip(index.referringPhysicianName, 200),
  };
}

async function insertSteps(m: EntityManager, items: Array<{ id: string; item: NewItem }>): Promise<void> {
  const steps = items.flatMap(({ id, item }) =>
    item.index.steps.map((step, position) => ({
      itemId: id,
      position,
      stationAets: step.stationAeTitles.map((aet) => aet.slice(0, 16)),
      startDate: clip(step.startDate, 8),
      startTime: clip(step.startTime, 16),
      modality: clip(step.modality, 16),
      stepId: clip(step.stepId, 16),
      status: clip(step.status, 16),
    })),
  );
  for (let start = 0; start < steps.length; start += INSERT_CHUNK) await m.insert(WorklistStepRow, steps.slice(start, start + INSERT_CHUNK));
}

/** Validation keeps values within their VR; the clip only guards the column width. */
function clip(value: string | null, length: number): string | null {
  return value === null ? null : value.slice(0, length);
}

function toStored(row: WorklistItemRow): StoredItem {
  return { id: row.id, attributes: row.attributes, createdAt: row.createdAt, updatedAt: row.updatedAt };
}
