import { COMMAND_SUBJECT_PREFIX, EVENTS_STREAM, EVENT_SUBJECTS, eventTypeOf, subjectOfType } from './subjects';

describe('event subjects', () => {
  it.each([
    ['dicom.events.association.accepted.v1', 'dicom.association.accepted.v1'],
    ['dicom.events.association.rejected.v1', 'dicom.association.rejected.v1'],
    ['dicom.events.association.released.v1', 'dicom.association.released.v1'],
    ['dicom.events.association.aborted.v1', 'dicom.association.aborted.v1'],
    ['dicom.events.instance.stored.v1', 'dicom.instance.stored.v1'],
    ['dicom.events.delivery.succeeded.v1', 'dicom.delivery.succeeded.v1'],
    ['dicom.events.delivery.failed.v1', 'dicom.delivery.failed.v1'],
    ['dicom.events.worklist.queried.v1', 'dicom.worklist.queried.v1'],
    ['dicom.events.alert.v1', 'dicom.alert.v1'],
  ] as const)('%s has type %s and back', (subject, type) => {
    expect(eventTypeOf(subject)).toBe(type);
    expect(subjectOfType(type)).toBe(subject);
  });

  it('lists exactly the nine docs/architecture.md §4 subjects, each versioned and inside the stream', () => {
    const subjects = Object.values(EVENT_SUBJECTS);
    expect(subjects).toHaveLength(9);
    expect(new Set(subjects).size).toBe(9);
    for (const subject of subjects) {
      expect(subject).toMatch(/^dicom\.events\.[a-z]+(\.[a-z]+)*\.v[1-9][0-9]*$/);
    }
    expect(EVENTS_STREAM).toEqual({ name: 'DICOM_EVENTS', subjects: 'dicom.events.>' });
  });

  it('keeps commands out of the public stream', () => {
    expect(`${COMMAND_SUBJECT_PREFIX}.`.startsWith('dicom.events.')).toBe(false);
  });

  it('knows no type outside the contract', () => {
    expect(subjectOfType('dicom.instance.stored.v2')).toBeUndefined();
    expect(subjectOfType('dicom.events.instance.stored.v1')).toBeUndefined();
  });
});
