import { ValidationError } from './errors';
import { IMPORT_MAX_LINES, parseImportFile } from './import-file';

const errorOf = (content: string): ValidationError => {
  try {
    parseImportFile(content);
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('expected a ValidationError');
};

describe('parseImportFile (the engine ImportAssociation format)', () => {
  it('defaults to Implicit VR LE and accumulates transfer syntaxes in file order, CRLF and blank lines tolerated', () => {
    const content = '1.2.840.10008.1.1\r\n\r\n1.2.840.10008.5.1.4.31\\1.2.840.10008.1.2.2\r\n  1.2.840.10008.5.1.4.31 \\ 1.2.840.10008.1.2\n1.2.840.10008.5.1.4.31\\1.2.840.10008.1.2.2\n';
    expect(parseImportFile(content)).toEqual([
      { abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: ['1.2.840.10008.1.2'] },
      { abstractSyntax: '1.2.840.10008.5.1.4.31', transferSyntaxes: ['1.2.840.10008.1.2.2', '1.2.840.10008.1.2'] },
    ]);
  });

  it('reports every bad line with its number', () => {
    const err = errorOf('1.2.840.10008.1.1\nnot-a-uid\n1.2.3\\01.2\n1.2\\3\\4\n1.2.840..1\n');
    expect(err.problems.map((p) => p.line)).toEqual([2, 3, 4, 5]);
    expect(err.problems[1].message).toMatch(/transfer syntax "01.2": a UID component must not have a leading zero/);
    expect(err.problems[2].message).toMatch(/more than one backslash/);
  });

  it('refuses an empty file and oversized input', () => {
    expect(errorOf('\n\n').message).toMatch(/lists no SOP class/);
    expect(errorOf('1.2\n'.repeat(IMPORT_MAX_LINES + 1)).message).toMatch(/at most 10000 are accepted/);
    expect(errorOf('9'.repeat(1024 * 1024 + 1)).message).toMatch(/larger than 1048576 bytes/);
  });

  it('caps the problems it lists', () => {
    const err = errorOf('x\n'.repeat(500));
    expect(err.problems).toHaveLength(101);
    expect(err.problems[100].message).toBe('…and 400 more problems');
  });
});
