import { Tag, type Matcher, type MatchOptions, type QueryKey, type WorklistQuery } from '@dicom-router/worklist';

/**
 * Pushes the indexed matching keys of a query down to SQL. The filter only narrows: every item it
 * drops is one the exact PS3.4 match would drop too, so keys it cannot express are left to the
 * domain match (time ranges, keys without a column, values past the first).
 */
export interface SqlFilter {
  where: string;
  params: unknown[];
}

const ITEM_COLUMNS: Readonly<Record<string, string>> = {
  [Tag.PatientName]: 'i.patient_name',
  [Tag.PatientID]: 'i.patient_id',
  [Tag.AccessionNumber]: 'i.accession_number',
  [Tag.RequestedProcedureID]: 'i.requested_procedure_id',
  [Tag.StudyInstanceUID]: 'i.study_instance_uid',
  [Tag.ReferringPhysicianName]: 'i.referring_physician_name',
};

const STEP_COLUMNS: Readonly<Record<string, string>> = {
  [Tag.Modality]: 's.modality',
  [Tag.ScheduledProcedureStepID]: 's.step_id',
  [Tag.ScheduledProcedureStepStatus]: 's.status',
};

export function candidateFilter(query: WorklistQuery, options: MatchOptions): SqlFilter {
  const params: unknown[] = [];
  const bind = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const itemConditions: string[] = [];
  for (const key of query.keys) {
    const column = ITEM_COLUMNS[key.key];
    if (column && key.matcher) {
      const condition = columnCondition(column, key, key.matcher, options, bind);
      if (condition) itemConditions.push(condition);
    }
    if (key.key === Tag.ScheduledProcedureStepSequence && key.item?.length) {
      const stepConditions = key.item.flatMap((k) => stepCondition(k, options, bind) ?? []);
      if (stepConditions.length) {
        itemConditions.push(`i.id IN (SELECT s.item_id FROM worklist_step s WHERE ${stepConditions.join(' AND ')})`);
      }
    }
  }
  return { where: itemConditions.length ? itemConditions.join(' AND ') : 'TRUE', params };
}

function stepCondition(key: QueryKey, options: MatchOptions, bind: (v: unknown) => string): string | undefined {
  const m = key.matcher;
  if (!m) return undefined;
  if (key.key === Tag.ScheduledStationAETitle) {
    if (m.kind === 'single') return `s.station_aets && ${bind(m.values)}::varchar[]`;
    if (m.kind === 'wildcard') return `EXISTS (SELECT 1 FROM unnest(s.station_aets) AS aet WHERE aet LIKE ${bind(likePattern(m.pattern))})`;
    return undefined;
  }
  if (key.key === Tag.ScheduledProcedureStepStartDate) {
    const bounds = m.kind === 'range' || m.kind === 'date-time' ? m.bounds : m.kind === 'single' ? { low: m.values[0], high: m.values[0] } : undefined;
    if (!bounds) return undefined;
    const parts: string[] = [];
    if (bounds.low !== undefined) parts.push(`s.start_date >= ${bind(bounds.low.slice(0, 8))}`);
    if (bounds.high !== undefined) parts.push(`s.start_date <= ${bind(bounds.high.slice(0, 8))}`);
    if (parts.length === 0) parts.push('s.start_date IS NOT NULL');
    return parts.join(' AND ');
  }
  const column = STEP_COLUMNS[key.key];
  return column ? columnCondition(column, key, m, options, bind) : undefined;
}

function columnCondition(column: string, key: QueryKey, m: Matcher, options: MatchOptions, bind: (v: unknown) => string): string | undefined {
  // Case folding is left to the domain match: PostgreSQL's lower() follows the database locale,
  // which need not fold every character as the match does, and the filter may only narrow.
  if (key.vr === 'PN' && options.caseInsensitivePersonNames === true) return undefined;
  if (m.kind === 'single') {
    if (m.values.length > 1) return `${column} = ANY(${bind(m.values)}::varchar[])`;
    return `${column} = ${bind(m.values[0])}`;
  }
  if (m.kind === 'wildcard') return `${column} LIKE ${bind(likePattern(m.pattern))}`;
  return undefined;
}

/** PS3.4 C.2.2.2.4 wildcards as a LIKE pattern: `*` → `%`, `?` → `_`, LIKE's own specials escaped. */
export function likePattern(pattern: string): string {
  return pattern.replace(/[\\%_]/g, '\\$&').replace(/\*/g, '%').replace(/\?/g, '_');
}
