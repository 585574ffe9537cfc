import { indexOf, validateItem } from './worklist-item';
import { InvalidItemError } from './errors';

const valid = {
  '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Doe^Jane' }] },
  '00100020': { vr: 'LO', Value: ['P1'] },
  '00400100': { vr: 'SQ', Value: [{ '00400001': { vr: 'AE', Value: ['CT01', 'CT02'] }, '00400002': { vr: 'DA', Value: ['20261127'] }, '00080060': { vr: 'CS', Value: ['CT'] } }] },
};

describe('worklist items', () => {
  it('accepts a DICOM JSON item and indexes its matching keys', () => {
    const item = validateItem(valid);
    expect(indexOf(item)).toEqual({
      patientName: 'Doe^Jane', patientId: 'P1', accessionNumber: null, requestedProcedureId: null, studyInstanceUid: null, referringPhysicianName: null,
      steps: [{ stationAeTitles: ['CT01', 'CT02'], startDate: '20261127', startTime: null, modality: 'CT', stepId: null, status: null }],
    });
  });

  it.each([
    [{ ...valid, '00100020': { vr: 'LO', Value: ['x'.repeat(65)] } }, '(0010,0020) PatientID'],
    [{ ...valid, '00100010': { vr: 'LO', Value: ['x'] } }, '(0010,0010) PatientName'],
    [{ ...valid, '0020000D': { vr: 'UI', Value: ['1.2.abc'] } }, '(0020,000D) StudyInstanceUID'],
    [{ '00100020': { vr: 'LO', Value: ['P1'] } }, '(0040,0100) ScheduledProcedureStepSequence'],
    [{ ...valid, '00400100': { vr: 'SQ', Value: [{ '00400002': { vr: 'DA', Value: ['2026-11-27'] } }] } }, '(0040,0002) ScheduledProcedureStepStartDate'],
    [{ ...valid, '00100020': { vr: 'LO', Value: ['P1', 'P2'] } }, '(0010,0020) PatientID'],
    [{ ...valid, '00400100': { vr: 'SQ', Value: [{ '00080060': { vr: 'CS', Value: ['CT', 'MR'] } }] } }, '(0008,0060) Modality'],
  ])('refuses an invalid item, naming the attribute (%#)', (json, attribute) => {
    expect(() => validateItem(json)).toThrow(InvalidItemError);
    try {
      validateItem(json);
    } catch (e) {
      expect((e as InvalidItemError).attribute).toBe(attribute);
    }
  });
});
