import { registryAeTitleProblem } from './ae-title';
import { parseAssociationChanges, parseAssociationDraft, type Association } from './association';
import { ValidationError } from './errors';
import { uidProblem } from './uid';

describe('AE titles', () => {
  it.each(['ENS-SCU', 'A', 'SIXTEEN_CHARS_OK', ' PADDED  ', 'PACS.1:X@Y+#'])('accepts %j', (title) => {
    expect(registryAeTitleProblem(title)).toBeUndefined();
  });

  it.each([
    ['', /empty/],
    ['    ', /empty/],
    ['SEVENTEEN_CHARS_X', /at most 16/],
    ['A\\B', /backslash/],
    ['A\tB', /control/],
    ['\tAB', /control/],
    ['../../etc', /only letters/],
    ['"QUOTED"', /only letters/],
    ["O'HARA", /only letters/],
    ["'; DROP TABLE x;--", /at most 16/],
    ['A;B', /only letters/],
    ['ÉCHO', /printable ASCII/],
  ])('refuses %j', (title, reason) => {
    expect(registryAeTitleProblem(title)).toMatch(reason);
  });
});

describe('UIDs (PS3.5 §9.1)', () => {
  it.each(['1.2.840.10008.1.2', '0', '1.0.3', '1.2.' + '3'.repeat(60)])('accepts %s', (uid) => expect(uidProblem(uid)).toBeUndefined());
  it.each(['', '1..2', '.1', '1.', '1.02', 'a.b', '1.2 ', '1.' + '2'.repeat(63)])('refuses %j', (uid) => expect(uidProblem(uid)).toBeDefined());
});

describe('parseAssociationDraft', () => {
  it('trims AE titles, names by default and keeps the context order', () => {
    expect(
      parseAssociationDraft({
        callingAet: ' JD-SCU ',
        calledAet: 'ENS-SCP',
        presentationContexts: [{ abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2'] }],
      }),
    ).toEqual({
      name: 'JD-SCU to ENS-SCP',
      description: '',
      callingAet: 'JD-SCU',
      calledAet: 'ENS-SCP',
      presentationContexts: [{ abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2'] }],
    });
  });

  it('reports every problem with its field', () => {
    try {
      parseAssociationDraft({
        name: 'x'.repeat(65),
        callingAet: 17,
        calledAet: 'OK',
        colour: 'red',
        presentationContexts: [
          { abstractSyntax: '1.2', transferSyntaxes: ['1.2', '1.2'] },
          { abstractSyntax: '1.3', transferSyntaxes: ['1.2'] },
          { abstractSyntax: '1.3', transferSyntaxes: ['1.2'] },
        ],
      });
      throw new Error('expected a ValidationError');
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).problems.map((p) => p.field)).toEqual([
        'colour',
        'callingAet',
        'name',
        'presentationContexts[0].transferSyntaxes[1]',
        'presentationContexts[2].abstractSyntax',
      ]);
    }
  });
});

describe('parseAssociationChanges', () => {
  const current: Association = { id: 'a', name: 'n', description: '', callingAet: 'A', calledAet: 'B', presentationContexts: [] };

  it('accepts the unchanged AE titles and refuses a changed one', () => {
    expect(parseAssociationChanges({ callingAet: 'A ', name: 'm' }, current)).toEqual({ name: 'm' });
    expect(() => parseAssociationChanges({ calledAet: 'C' }, current)).toThrow(ValidationError);
  });
});
