import { isValidUid, uidProblem } from './uid';

describe('uidProblem (PS3.5 §9.1)', () => {
  it.each([
    ['1.2.840.10008.1.2.1'],
    ['0'],
    ['1.0.2'],
    ['2.25.329800735698586629295641978511506172918'],
    ['1.' + '2'.repeat(62)],
  ])('accepts %s', (uid) => {
    expect(uidProblem(uid)).toBeUndefined();
    expect(isValidUid(uid)).toBe(true);
  });

  it.each([
    ['', /empty/],
    ['1.2/../3', /character code 0x2f at position 3/],
    ['..', /starts with a dot/],
    ['.1.2', /starts with a dot/],
    ['1.2.', /ends with a dot/],
    ['1..2', /empty component at position 2/],
    ['1.' + '2'.repeat(63), /65 characters/],
    ['1.02.3', /component at position 2 has a leading zero/],
    ['00.1', /component at position 0 has a leading zero/],
    ['1.2.3a', /character code 0x61 at position 5/],
    ['1.2.3\0', /character code 0x00/],
    [' 1.2', /character code 0x20 at position 0/],
    ['1.2.3\n', /character code 0x0a/],
  ])('rejects %j', (uid, reason) => {
    expect(uidProblem(uid)).toMatch(reason);
    expect(isValidUid(uid)).toBe(false);
  });

  it('never echoes the rejected text, which may be hostile', () => {
    expect(uidProblem('1.2.<script>')).not.toContain('<script>');
  });
});
