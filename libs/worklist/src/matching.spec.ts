import { buildQuery } from './query';
import { matchItem } from './matching';
import type { DicomJson } from './dicom-json';
import { IdentifierError } from './errors';

const item = (overrides: { name?: string; aets?: string[]; date?: string; time?: string; modality?: string; uid?: string; steps?: DicomJson[] } = {}): DicomJson => ({
  '00080050': { vr: 'SH', Value: ['ACC001'] },
  '00100010': { vr: 'PN', Value: [{ Alphabetic: overrides.name ?? 'Müller^Anna' }] },
  '00100020': { vr: 'LO', Value: ['PID-1'] },
  '0020000D': { vr: 'UI', Value: [overrides.uid ?? '1.2.3.4'] },
  '00400100': {
    vr: 'SQ',
    Value: overrides.steps ?? [
      {
        '00080060': { vr: 'CS', Value: [overrides.modality ?? 'CT'] },
        '00400001': { vr: 'AE', Value: overrides.aets ?? ['CT01'] },
        '00400002': { vr: 'DA', Value: [overrides.date ?? '20261127'] },
        '00400003': { vr: 'TM', Value: [overrides.time ?? '093000'] },
        '00400009': { vr: 'SH', Value: ['SPS1'] },
      },
    ],
  },
});

const sps = (keys: DicomJson): DicomJson => ({ '00400100': { vr: 'SQ', Value: [keys] } });
const q = (identifier: DicomJson) => buildQuery(identifier);
const hit = (identifier: DicomJson, data: DicomJson = item(), caseInsensitive = false) =>
  matchItem(data, q(identifier), { caseInsensitivePersonNames: caseInsensitive }) !== null;

describe('PS3.4 C.2.2.2 matching', () => {
  it('universal matching: an empty key or a lone "*" matches everything and returns the value', () => {
    expect(matchItem(item(), q({ '00100010': { vr: 'PN' } }))).toEqual({ '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Müller^Anna' }] } });
    expect(hit({ '00100020': { vr: 'LO', Value: ['*'] } })).toBe(true);
  });

  it('single value matching is exact and case-sensitive', () => {
    expect(hit({ '00100020': { vr: 'LO', Value: ['PID-1'] } })).toBe(true);
    expect(hit({ '00100020': { vr: 'LO', Value: ['pid-1'] } })).toBe(false);
    expect(hit({ '00100020': { vr: 'LO', Value: ['PID'] } })).toBe(false);
  });

  it('Patient Name is case-insensitive only when the option is on', () => {
    expect(hit({ '00100010': { vr: 'PN', Value: [{ Alphabetic: 'MÜLLER^ANNA' }] } })).toBe(false);
    expect(hit({ '00100010': { vr: 'PN', Value: [{ Alphabetic: 'MÜLLER^ANNA' }] } }, item(), true)).toBe(true);
    expect(hit({ '00100010': { vr: 'PN', Value: [{ Alphabetic: 'mül*' }] } }, item(), true)).toBe(true);
  });

  it('wildcards: * any run, ? exactly one character', () => {
    expect(hit({ '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Mü*' }] } })).toBe(true);
    expect(hit({ '00100010': { vr: 'PN', Value: [{ Alphabetic: 'M?ller^Anna' }] } })).toBe(true);
    expect(hit({ '00100010': { vr: 'PN', Value: [{ Alphabetic: 'M?ler*' }] } })).toBe(false);
    expect(hit({ '00080050': { vr: 'SH', Value: ['ACC.*'] } })).toBe(false);
  });

  it('wildcards are literal characters for UIDs, so "1.2.*" is refused as not a UID', () => {
    expect(() => q({ '0020000D': { vr: 'UI', Value: ['1.2.*'] } })).toThrow(IdentifierError);
  });

  it('list of UID matching: any of the listed UIDs', () => {
    expect(hit({ '0020000D': { vr: 'UI', Value: ['9.9', '1.2.3.4'] } })).toBe(true);
    expect(hit({ '0020000D': { vr: 'UI', Value: ['9.9', '1.2.3'] } })).toBe(false);
  });

  it('date ranges, closed and open on either side', () => {
    expect(hit(sps({ '00400002': { vr: 'DA', Value: ['20261127'] } }))).toBe(true);
    expect(hit(sps({ '00400002': { vr: 'DA', Value: ['20261120-20261130'] } }))).toBe(true);
    expect(hit(sps({ '00400002': { vr: 'DA', Value: ['-20261127'] } }))).toBe(true);
    expect(hit(sps({ '00400002': { vr: 'DA', Value: ['20261127-'] } }))).toBe(true);
    expect(hit(sps({ '00400002': { vr: 'DA', Value: ['20261128-'] } }))).toBe(false);
    expect(hit(sps({ '00400002': { vr: 'DA', Value: ['-20261126'] } }))).toBe(false);
  });

  it('time ranges compare instants, a coarser bound covering its whole hour or minute', () => {
    expect(hit(sps({ '00400003': { vr: 'TM', Value: ['0900-1000'] } }))).toBe(true);
    expect(hit(sps({ '00400003': { vr: 'TM', Value: ['-09'] } }))).toBe(true);
    expect(hit(sps({ '00400003': { vr: 'TM', Value: ['093001-'] } }))).toBe(false);
    expect(hit(sps({ '00400003': { vr: 'TM', Value: ['120000-'] } }))).toBe(false);
  });

  it('date and time together match as one date-time (an overnight window)', () => {
    const night = sps({ '00400002': { vr: 'DA', Value: ['20261126-20261127'] }, '00400003': { vr: 'TM', Value: ['220000-100000'] } });
    expect(hit(night)).toBe(true);
    expect(hit(night, item({ date: '20261127', time: '110000' }))).toBe(false);
    expect(hit(night, item({ date: '20261126', time: '230000' }))).toBe(true);
    expect(hit(night, item({ date: '20261126', time: '090000' }))).toBe(false);
  });

  it('malformed dates and times are refused, naming the attribute', () => {
    expect(() => q(sps({ '00400002': { vr: 'DA', Value: ['2026-11-27'] } }))).toThrow(/\(0040,0002\) ScheduledProcedureStepStartDate/);
    expect(() => q(sps({ '00400003': { vr: 'TM', Value: ['25'] } }))).toThrow(IdentifierError);
  });

  it('sequence matching: one matching step suffices, only matching steps come back', () => {
    const twoSteps = item({
      steps: [
        { '00080060': { vr: 'CS', Value: ['CT'] }, '00400001': { vr: 'AE', Value: ['CT01'] } },
        { '00080060': { vr: 'CS', Value: ['MR'] }, '00400001': { vr: 'AE', Value: ['MR01'] } },
      ],
    });
    const result = matchItem(twoSteps, q(sps({ '00080060': { vr: 'CS', Value: ['MR'] }, '00400001': { vr: 'AE' } })));
    expect(result).toEqual({ '00400100': { vr: 'SQ', Value: [{ '00080060': { vr: 'CS', Value: ['MR'] }, '00400001': { vr: 'AE', Value: ['MR01'] } }] } });
    expect(hit(sps({ '00080060': { vr: 'CS', Value: ['MR'] }, '00400001': { vr: 'AE', Value: ['CT01'] } }), twoSteps)).toBe(false);
  });

  it('a multi-valued attribute matches when any value does', () => {
    expect(hit(sps({ '00400001': { vr: 'AE', Value: ['AA33'] } }), item({ aets: ['AA32', 'AA33'] }))).toBe(true);
  });

  it('an empty step item asks for every step attribute of K.6-1, empty where the item has none', () => {
    const result = matchItem(item(), q({ '00400100': { vr: 'SQ', Value: [{}] } }))!;
    const step = (result['00400100'].Value![0] as DicomJson);
    expect(Object.keys(step)).toHaveLength(15);
    expect(step['00400020']).toEqual({ vr: 'CS' });
    expect(step['00400009']).toEqual({ vr: 'SH', Value: ['SPS1'] });
  });

  it('return keys the item lacks come back empty; a key with a value the item lacks does not match', () => {
    expect(matchItem(item(), q({ '00101030': { vr: 'DS' } }))).toEqual({ '00101030': { vr: 'DS' } });
    expect(hit({ '00321060': { vr: 'LO', Value: ['X'] } })).toBe(false);
  });

  it('reports keys whose VR admits no matching as unsupported (FF01H) and ignores them for matching', () => {
    const query = q({ '00101030': { vr: 'DS' }, '00280010': { vr: 'US', Value: [512] } });
    expect(query.unsupportedKeys).toEqual(['(0028,0010) Rows']);
    expect(matchItem(item(), query)).not.toBeNull();
  });

  it('refuses a VR that contradicts the dictionary and a value longer than its VR allows', () => {
    expect(() => q({ '00100010': { vr: 'US', Value: [1] } })).toThrow(/has VR US, but PS3.6 defines it as PN/);
    expect(() => q({ '00100020': { vr: 'LO', Value: ['x'.repeat(65)] } })).toThrow(/exceeds the 64/);
  });

  it('refuses a sequence key with more than one item', () => {
    expect(() => q({ '00400100': { vr: 'SQ', Value: [{}, {}] } })).toThrow(/at most one/);
  });
});
