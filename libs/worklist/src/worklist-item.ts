import { KNOWN_VRS, STRING_VRS, sequenceItems, textValues, type DicomJson } from './dicom-json';
import { describeTag, dictionaryVr } from './dictionary';
import { InvalidItemError } from './errors';
import { Tag } from './tags';
import { dateTimeBound, timeBound } from './temporal';

/** The matching keys of one Scheduled Procedure Step, as stored in indexed columns. */
export interface ScheduledStepIndex {
  stationAeTitles: string[];
  startDate: string | null;
  startTime: string | null;
  modality: string | null;
  stepId: string | null;
  status: string | null;
}

/** The matching keys of PS3.4 Table K.6-1 that a store indexes, taken from an item. */
export interface WorklistIndex {
  patientName: string | null;
  patientId: string | null;
  accessionNumber: string | null;
  requestedProcedureId: string | null;
  studyInstanceUid: string | null;
  referringPhysicianName: string | null;
  steps: ScheduledStepIndex[];
}

const MAX_DEPTH = 16;
/** Indexed keys whose VM is 1 in PS3.6 (so one column value stands for the attribute). */
const SINGLE_VALUED_ITEM_KEYS = [Tag.PatientName, Tag.PatientID, Tag.AccessionNumber, Tag.RequestedProcedureID, Tag.StudyInstanceUID, Tag.ReferringPhysicianName];
const SINGLE_VALUED_STEP_KEYS = [Tag.ScheduledProcedureStepStartDate, Tag.ScheduledProcedureStepStartTime, Tag.Modality, Tag.ScheduledProcedureStepID, Tag.ScheduledProcedureStepStatus];

function checkSingleValued(dataSet: DicomJson, keys: readonly string[]): void {
  for (const key of keys) {
    const count = dataSet[key]?.Value?.length ?? 0;
    if (count > 1) throw new InvalidItemError(`${describeTag(key)}: has ${count} values; PS3.6 allows one`, describeTag(key));
  }
}
const MAX_CHARS: Readonly<Record<string, number>> = { AE: 16, AS: 4, CS: 16, DA: 8, DS: 16, DT: 26, IS: 12, LO: 64, PN: 64, SH: 16, TM: 14, UI: 64 };

/**
 * Checks that `json` is a DICOM JSON data set (PS3.18 §F.2) usable as a worklist item: every
 * attribute well-formed, values within their VR (PS3.5 §6.2), and a Scheduled Procedure Step
 * Sequence with at least one item (PS3.4 K.6.1.2.2: every worklist item is one requested
 * procedure with its scheduled steps). The error names the first offending attribute.
 */
export function validateItem(json: unknown): DicomJson {
  const item = checkDataSet(json, 0, 'the item');
  const steps = sequenceItems(item[Tag.ScheduledProcedureStepSequence]);
  if (steps.length === 0) {
    throw new InvalidItemError(`${describeTag(Tag.ScheduledProcedureStepSequence)} is required and needs at least one item`, describeTag(Tag.ScheduledProcedureStepSequence));
  }
  checkSingleValued(item, SINGLE_VALUED_ITEM_KEYS);
  for (const step of steps) checkSingleValued(step, SINGLE_VALUED_STEP_KEYS);
  return item;
}

function checkDataSet(json: unknown, depth: number, where: string): DicomJson {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new InvalidItemError(`${where} is not a DICOM JSON object`);
  if (depth > MAX_DEPTH) throw new InvalidItemError(`${where} nests sequences deeper than ${MAX_DEPTH} levels`);
  const out: DicomJson = {};
  for (const [rawKey, attribute] of Object.entries(json as Record<string, unknown>)) {
    if (!/^[0-9A-Fa-f]{8}$/.test(rawKey)) throw new InvalidItemError(`"${rawKey.slice(0, 40)}" is not a tag (eight hex digits, PS3.18 F.2.1)`);
    const key = rawKey.toUpperCase();
    const label = describeTag(key);
    const fail = (message: string) => new InvalidItemError(`${label}: ${message}`, label);
    if (typeof attribute !== 'object' || attribute === null) throw fail('is not an object with "vr"');
    const { vr, Value, InlineBinary } = attribute as { vr?: unknown; Value?: unknown; InlineBinary?: unknown };
    if (typeof vr !== 'string' || !KNOWN_VRS.has(vr)) throw fail(`"vr" must be one of the VRs of PS3.5 (got ${JSON.stringify(vr)?.slice(0, 20)})`);
    const expected = dictionaryVr(key);
    if (expected && expected === expected.toUpperCase() && vr !== expected && vr !== 'UN') throw fail(`has VR ${vr}, but PS3.6 defines it as ${expected}`);
    if (InlineBinary !== undefined) {
      if (typeof InlineBinary !== 'string') throw fail('"InlineBinary" must be a base64 string');
      out[key] = { vr, InlineBinary };
      continue;
    }
    if (Value === undefined) {
      out[key] = { vr };
      continue;
    }
    if (!Array.isArray(Value)) throw fail('"Value" must be an array');
    if (vr === 'SQ') {
      const items = Value.map((v, i) => checkDataSet(v, depth + 1, `item ${i + 1} of ${label}`));
      out[key] = items.length ? { vr, Value: items } : { vr };
      continue;
    }
    if (vr === 'PN') {
      for (const v of Value) {
        if (v !== null && (typeof v !== 'object' || Array.isArray(v))) throw fail('a PN value must be an object with Alphabetic/Ideographic/Phonetic');
        for (const group of Object.values((v ?? {}) as Record<string, unknown>)) {
          if (typeof group !== 'string') throw fail('a PN component group must be a string');
          if (group.length > 64) throw fail(`a component group of ${group.length} characters exceeds the 64 that PN allows`);
        }
      }
    } else if (STRING_VRS.has(vr)) {
      for (const v of Value) checkString(v, vr, fail);
    } else {
      for (const v of Value) if (typeof v !== 'number' && typeof v !== 'string') throw fail(`${vr} values must be numbers`);
    }
    out[key] = Value.length ? { vr, Value: Value as DicomJson[string]['Value'] } : { vr };
  }
  return out;
}

function checkString(value: unknown, vr: string, fail: (message: string) => InvalidItemError): void {
  if (value === null) return;
  if (vr === 'DS' || vr === 'IS') {
    if (typeof value !== 'number' && typeof value !== 'string') throw fail(`${vr} values must be numbers`);
    return;
  }
  if (typeof value !== 'string') throw fail(`${vr} values must be strings`);
  const max = MAX_CHARS[vr];
  if (max !== undefined && value.length > max) throw fail(`a value of ${value.length} characters exceeds the ${max} that ${vr} allows`);
  if (value === '') return;
  if (vr === 'DA' && !/^\d{8}$/.test(value)) throw fail(`"${value.slice(0, 20)}" is not a date (YYYYMMDD)`);
  if (vr === 'TM' && !timeBound(value, false)) throw fail(`"${value.slice(0, 20)}" is not a time (HHMMSS.FFFFFF)`);
  if (vr === 'DT' && !dateTimeBound(value, false)) throw fail(`"${value.slice(0, 30)}" is not a date-time (YYYYMMDDHHMMSS.FFFFFF&ZZXX)`);
  if (vr === 'UI' && !/^(0|[1-9]\d*)(\.(0|[1-9]\d*))*$/.test(value)) throw fail(`"${value.slice(0, 70)}" is not a UID (PS3.5 §9.1)`);
  if ((vr === 'AE' || vr === 'CS' || vr === 'SH' || vr === 'LO') && hasBackslashOrControl(value)) throw fail(`a ${vr} value may not contain "\\" or control characters`);
}

/** The indexed columns of an item: first values, as the matching keys compare them. */
export function indexOf(item: DicomJson): WorklistIndex {
  const first = (key: string, from: DicomJson = item) => textValues(from[key]).find((v) => v !== '') ?? null;
  return {
    patientName: first(Tag.PatientName),
    patientId: first(Tag.PatientID),
    accessionNumber: first(Tag.AccessionNumber),
    requestedProcedureId: first(Tag.RequestedProcedureID),
    studyInstanceUid: first(Tag.StudyInstanceUID),
    referringPhysicianName: first(Tag.ReferringPhysicianName),
    steps: sequenceItems(item[Tag.ScheduledProcedureStepSequence]).map((step) => ({
      stationAeTitles: textValues(step[Tag.ScheduledStationAETitle]).filter((v) => v !== ''),
      startDate: first(Tag.ScheduledProcedureStepStartDate, step),
      startTime: first(Tag.ScheduledProcedureStepStartTime, step),
      modality: first(Tag.Modality, step),
      stepId: first(Tag.ScheduledProcedureStepID, step),
      status: first(Tag.ScheduledProcedureStepStatus, step),
    })),
  };
}


/** PS3.5 §6.2: a backslash separates values and control characters are not allowed in these VRs. */
function hasBackslashOrControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x5c) return true;
  }
  return false;
}
