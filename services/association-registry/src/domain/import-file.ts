import { IMPLICIT_VR_LITTLE_ENDIAN, PresentationContext } from './association';
import { Problem, throwIfProblems, ValidationError } from './errors';
import { uidProblem } from './uid';

/** One line per (SOP class, transfer syntax) pair: a real conformance statement needs a few hundred. */
export const IMPORT_MAX_BYTES = 1024 * 1024;
export const IMPORT_MAX_LINES = 10_000;

/**
 * Parses the engine's `ImportAssociation` file: one `SOPClassUID` or `SOPClassUID\TransferSyntaxUID`
 * per line. A line without a transfer syntax means Implicit VR Little Endian; several lines for one
 * SOP class add transfer syntaxes in file order (a repeat is ignored). Blank lines and CRLF line ends
 * are tolerated. Every bad line is reported with its number, and nothing is returned unless all are good.
 */
export function parseImportFile(content: string): PresentationContext[] {
  if (Buffer.byteLength(content, 'utf8') > IMPORT_MAX_BYTES) {
    throw new ValidationError(`the import file is larger than ${IMPORT_MAX_BYTES} bytes; a conformance statement needs far fewer lines`);
  }
  const lines = content.split(/\r?\n/);
  if (lines.length > IMPORT_MAX_LINES) {
    throw new ValidationError(`the import file has ${lines.length} lines; at most ${IMPORT_MAX_LINES} are accepted`);
  }
  const contexts = new Map<string, string[]>();
  const problems: Problem[] = [];
  lines.forEach((raw, index) => {
    const line = index + 1;
    const text = raw.trim();
    if (text === '') return;
    const parts = text.split('\\');
    if (parts.length > 2) {
      problems.push({ line, message: 'expected SOPClassUID or SOPClassUID\\TransferSyntaxUID, found more than one backslash' });
      return;
    }
    const [abstractSyntax, transferSyntax = IMPLICIT_VR_LITTLE_ENDIAN] = parts.map((part) => part.trim());
    const bad = [
      ['SOP class', abstractSyntax],
      ['transfer syntax', transferSyntax],
    ].flatMap(([what, uid]) => {
      const problem = uidProblem(uid);
      return problem ? [`${what} ${JSON.stringify(uid.slice(0, 80))}: ${problem}`] : [];
    });
    if (bad.length > 0) {
      problems.push({ line, message: bad.join('; ') });
      return;
    }
    const list = contexts.get(abstractSyntax) ?? [];
    if (!list.includes(transferSyntax)) list.push(transferSyntax);
    contexts.set(abstractSyntax, list);
  });
  throwIfProblems('the import file has bad lines; nothing was imported', problems);
  if (contexts.size === 0) throw new ValidationError('the import file lists no SOP class; nothing was imported');
  return [...contexts].map(([abstractSyntax, transferSyntaxes]) => ({ abstractSyntax, transferSyntaxes }));
}
