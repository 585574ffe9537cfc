import { fileSpecMatcher } from './file-spec';

describe('fileSpecMatcher', () => {
  it.each([
    ['*.dcm', 'CT1.dcm', true],
    ['*.dcm', 'CT1.dcm.part', false],
    ['*.dcm', 'CT1.DCM', false],
    ['*.dcm;*.DCM', 'CT1.DCM', true],
    ['IM?????', 'IM00001', true],
    ['IM?????', 'IM0001', false],
    ['*', '.hidden', true],
    ['a+b(1).dcm', 'a+b(1).dcm', true],
    ['a+b(1).dcm', 'aab1.dcm', false],
  ])('%s matches %s: %s', (spec, name, expected) => {
    expect(fileSpecMatcher(spec)(name)).toBe(expected);
  });
});
