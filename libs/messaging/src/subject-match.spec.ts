import { assertSubjectFilter, subjectMatches } from './subject-match';

describe('subjectMatches', () => {
  it.each([
    ['dicom.events.>', 'dicom.events.instance.stored.v1', true],
    ['dicom.events.>', 'dicom.events', false],
    ['dicom.events.delivery.*.v1', 'dicom.events.delivery.failed.v1', true],
    ['dicom.events.delivery.*.v1', 'dicom.events.delivery.failed.v2', false],
    ['dicom.events.alert.v1', 'dicom.events.alert.v1', true],
    ['dicom.events.alert.v1', 'dicom.events.alert.v1.x', false],
    ['dicom.events.*', 'dicom.events.alert.v1', false],
    ['>', 'dicom.events.alert.v1', true],
  ])('%s ~ %s → %s', (filter, subject, expected) => {
    expect(subjectMatches(filter, subject)).toBe(expected);
  });

  it.each(['dicom..events', 'dicom.>.events', 'dicom.ev*', 'dicom. events', ''])('refuses the filter %j', (filter) => {
    expect(() => assertSubjectFilter(filter)).toThrow(/not a valid NATS subject/);
  });
});
