import { aeTitleProblem } from '@dicom-router/dicom-network';

/**
 * Characters the registry accepts in an AE title: a subset of PS3.5 Table 6.2-1 (which allows any
 * printable ASCII but backslash). Quotes, slashes, semicolons and the like are legal DICOM yet unseen
 * in real titles; refusing them keeps titles safe in logs, file names, URLs and RemoteAET patterns.
 */
const REGISTRY_AE_CHARACTERS = /^[A-Za-z0-9 ._:@+#-]+$/;

/**
 * Why `title` cannot be an association's AE title, or undefined. PS3.5 Table 6.2-1: at most 16
 * characters, no backslash or control characters, not blank; leading and trailing spaces (only
 * spaces: a tab is a control character) are not significant.
 */
export function registryAeTitleProblem(title: string): string | undefined {
  if (hasControlCharacter(title)) return 'an AE title must not contain control characters';
  const problem = aeTitleProblem(trimSpaces(title));
  if (problem) return problem;
  if (!REGISTRY_AE_CHARACTERS.test(trimSpaces(title))) {
    return 'an AE title may contain only letters, digits, spaces and . _ : @ + # -';
  }
  return undefined;
}

/** The significant part of an AE title: without its leading and trailing spaces. */
export function trimSpaces(title: string): string {
  return title.replace(/^ +| +$/g, '');
}

/** C0 controls and DEL (PS3.5 §6.1.2: not part of the default character repertoire's graphic set). */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
