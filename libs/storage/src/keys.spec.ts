import { validateObjectKey } from './keys';

describe('validateObjectKey', () => {
  it.each([
    'a',
    'studies/1.2.840.113619.2.55/series/1.3/instance.dcm',
    'A-Z_a-z.0-9',
    '...',
    '.hidden/x',
    'x'.repeat(1024),
  ])('accepts %s', (key) => {
    expect(validateObjectKey(key)).toBeUndefined();
  });

  it.each([
    ['', /empty/],
    ['../x', /"\." or "\.\."/],
    ['a/../b', /"\." or "\.\."/],
    ['1.2/../3', /"\." or "\.\."/],
    ['./a', /"\." or "\.\."/],
    ['a/.', /"\." or "\.\."/],
    ['a//b', /"\/\/"/],
    ['/abs', /relative/],
    ['a/', /end with/],
    ['a b', /may only contain/],
    ['a\\b', /may only contain/],
    ['é', /may only contain/],
    ['a\0b', /may only contain/],
    ['x'.repeat(1025), /longer than 1024 bytes/],
    ['.incoming/x.part', /reserved/],
  ])('rejects %j', (key, problem) => {
    expect(validateObjectKey(key)).toMatch(problem);
  });
});
