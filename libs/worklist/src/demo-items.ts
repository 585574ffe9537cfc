import type { DicomJson } from './dicom-json';

/**
 * Realistic worklist items for demos and benchmarks: patients with names from several languages
 * (so ISO_IR 100 and ISO_IR 192 text occurs), requested procedures that fit each modality, the
 * station that performs them, start dates and times spread around a day, in working hours.
 * Deterministic for a given seed, so benchmark runs are comparable.
 */
export interface GenerateOptions {
  count: number;
  /** YYYYMMDD of the day the schedule centres on. */
  today: string;
  /** Days before and after `today` over which steps are spread. */
  spreadDays: number;
  /** How many stations of each modality there are (station AE titles `CT01`, `CT02`…). */
  stationsPerModality: number;
  seed?: number;
}

interface Procedure {
  code: string;
  meaning: string;
  contrast?: string;
}

const MODALITIES: Record<string, { location: string; procedures: Procedure[] }> = {
  CT: {
    location: 'Radiology CT suite',
    procedures: [
      { code: 'RPID-CT-HEAD', meaning: 'CT head without contrast' },
      { code: 'RPID-CT-CHEST', meaning: 'CT chest with contrast', contrast: 'Iohexol 350' },
      { code: 'RPID-CT-ABD', meaning: 'CT abdomen and pelvis with contrast', contrast: 'Iopamidol 370' },
      { code: 'RPID-CT-CTA', meaning: 'CT angiography pulmonary arteries', contrast: 'Iohexol 350' },
    ],
  },
  MR: {
    location: 'Radiology MR suite',
    procedures: [
      { code: 'RPID-MR-BRAIN', meaning: 'MRI brain with and without contrast', contrast: 'Gadobutrol' },
      { code: 'RPID-MR-KNEE', meaning: 'MRI knee without contrast' },
      { code: 'RPID-MR-LSPINE', meaning: 'MRI lumbar spine without contrast' },
    ],
  },
  US: { location: 'Ultrasound', procedures: [{ code: 'RPID-US-ABD', meaning: 'Ultrasound abdomen complete' }, { code: 'RPID-US-THY', meaning: 'Ultrasound thyroid' }] },
  CR: { location: 'General radiography', procedures: [{ code: 'RPID-CR-CHEST', meaning: 'Chest X-ray PA and lateral' }, { code: 'RPID-CR-HAND', meaning: 'X-ray hand 3 views' }] },
  MG: { location: 'Breast imaging', procedures: [{ code: 'RPID-MG-SCR', meaning: 'Screening mammography bilateral' }] },
  NM: { location: 'Nuclear medicine', procedures: [{ code: 'RPID-NM-BONE', meaning: 'Bone scan whole body', contrast: 'Tc-99m MDP' }] },
};

const FAMILY = ['Müller', 'Schmidt', 'García', 'Smith', 'Nguyen', 'Kowalski', 'Rossi', 'Dubois', 'Jensen', 'Søndergaard', 'Öztürk', 'Papadopoulos', "O'Brien", 'Novák', 'Silva', 'Johansson', '山田', '佐藤', 'Ivanova', 'Kim'];
const GIVEN = ['Anna', 'Jürgen', 'María', 'John', 'Linh', 'Piotr', 'Giulia', 'Élodie', 'Lars', 'Søren', 'Ayşe', 'Nikos', 'Siobhan', 'Tomáš', 'João', 'Ingrid', '太郎', '花子', 'Olga', 'Min-jun'];
const PHYSICIANS = ['House^Gregory', 'Grey^Meredith', 'Weber^Klaus', 'Lindqvist^Eva', 'Moreau^Claire', 'Tanaka^Hiroshi'];
const PRIORITIES = ['ROUTINE', 'ROUTINE', 'ROUTINE', 'HIGH', 'STAT'];

export function generateWorklistItems(options: GenerateOptions): DicomJson[] {
  const random = mulberry32(options.seed ?? 20261127);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const modalities = Object.keys(MODALITIES);
  const items: DicomJson[] = [];
  for (let i = 0; i < options.count; i++) {
    const modality = pick(modalities);
    const { location, procedures } = MODALITIES[modality];
    const procedure = pick(procedures);
    const station = `${modality}${String(1 + Math.floor(random() * options.stationsPerModality)).padStart(2, '0')}`;
    const date = addDays(options.today, Math.round((random() * 2 - 1) * options.spreadDays));
    const minutes = 7 * 60 + Math.floor(random() * 44) * 15;
    const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}${String(minutes % 60).padStart(2, '0')}00`;
    const family = pick(FAMILY);
    const given = pick(GIVEN);
    const cjk = /[\u3000-\u9fff]/.test(family + given);
    const patientId = `PID${String(100000 + Math.floor(random() * 900000))}`;
    const accession = `ACC${String(i + 1).padStart(9, '0')}`.slice(0, 16);
    const birth = `${1935 + Math.floor(random() * 85)}${String(1 + Math.floor(random() * 12)).padStart(2, '0')}${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
    const status = date < options.today ? 'COMPLETED' : date === options.today ? pick(['SCHEDULED', 'ARRIVED', 'STARTED']) : 'SCHEDULED';
    const step: DicomJson = {
      '00080060': { vr: 'CS', Value: [modality] },
      '00400001': { vr: 'AE', Value: [station] },
      '00400002': { vr: 'DA', Value: [date] },
      '00400003': { vr: 'TM', Value: [time] },
      '00400006': { vr: 'PN', Value: [{ Alphabetic: pick(PHYSICIANS) }] },
      '00400007': { vr: 'LO', Value: [procedure.meaning] },
      '00400009': { vr: 'SH', Value: [`SPS${String(i + 1).padStart(8, '0')}`] },
      '00400010': { vr: 'SH', Value: [`${modality} room ${station.slice(-2)}`] },
      '00400011': { vr: 'SH', Value: [location.slice(0, 16)] },
      '00400020': { vr: 'CS', Value: [status] },
      '00400008': { vr: 'SQ', Value: [{ '00080100': { vr: 'SH', Value: [procedure.code.slice(0, 16)] }, '00080102': { vr: 'SH', Value: ['99LOCAL'] }, '00080104': { vr: 'LO', Value: [procedure.meaning] } }] },
    };
    if (procedure.contrast) step['00321070'] = { vr: 'LO', Value: [procedure.contrast] };
    items.push({
      '00080005': { vr: 'CS', Value: [cjk ? 'ISO_IR 192' : 'ISO_IR 100'] },
      '00080050': { vr: 'SH', Value: [accession] },
      '00080090': { vr: 'PN', Value: [{ Alphabetic: pick(PHYSICIANS) }] },
      '00100010': { vr: 'PN', Value: [{ Alphabetic: `${family}^${given}` }] },
      '00100020': { vr: 'LO', Value: [patientId] },
      '00100030': { vr: 'DA', Value: [birth] },
      '00100040': { vr: 'CS', Value: [pick(['F', 'M'])] },
      '0020000D': { vr: 'UI', Value: [`2.25.${options.seed ?? 20261127}${String(i + 1).padStart(10, '0')}`] },
      '00321060': { vr: 'LO', Value: [procedure.meaning] },
      '00321064': { vr: 'SQ', Value: [{ '00080100': { vr: 'SH', Value: [procedure.code.slice(0, 16)] }, '00080102': { vr: 'SH', Value: ['99LOCAL'] }, '00080104': { vr: 'LO', Value: [procedure.meaning] } }] },
      '00400100': { vr: 'SQ', Value: [step] },
      '00401001': { vr: 'SH', Value: [`RP${String(i + 1).padStart(8, '0')}`] },
      '00401003': { vr: 'SH', Value: [pick(PRIORITIES)] },
    });
  }
  return items;
}

export function todayYyyymmdd(now = new Date()): string {
  return now.toISOString().slice(0, 10).replace(/-/g, '');
}

function addDays(yyyymmdd: string, days: number): string {
  const d = new Date(Date.UTC(Number(yyyymmdd.slice(0, 4)), Number(yyyymmdd.slice(4, 6)) - 1, Number(yyyymmdd.slice(6, 8))));
  d.setUTCDate(d.getUTCDate() + days);
  return todayYyyymmdd(d);
}

/** A small seeded PRNG (public domain), so generated worklists are reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
