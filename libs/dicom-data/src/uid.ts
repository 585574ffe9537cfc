/**
 * PS3.5 §9.1 UID encoding rules. A UID names things we store, route and log, so it is checked
 * before it reaches a key, a path, SQL or a log line (docs/architecture.md §5). Problems are reported by
 * position and character code, never by echoing the rejected text.
 */

/** PS3.5 §9.1: "UIDs shall not exceed 64 total characters". */
export const MAX_UID_LENGTH = 64;

const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** Returns why `value` is not a valid UID, or `undefined` when it is one. */
export function uidProblem(value: string): string | undefined {
  if (value.length === 0) return 'UID is empty';
  if (value.length > MAX_UID_LENGTH) {
    return `UID has ${value.length} characters, more than the ${MAX_UID_LENGTH} allowed (PS3.5 §9.1)`;
  }
  // PS3.5 §9.1: components of digits separated by "."; a component never starts with 0 unless it is
  // the single digit 0, and no component is empty (which also rules out a leading or trailing dot).
  let componentStart = 0;
  for (let i = 0; i <= value.length; i++) {
    const code = i < value.length ? value.charCodeAt(i) : DOT;
    if (code === DOT) {
      const length = i - componentStart;
      if (length === 0) {
        if (i === 0) return 'UID starts with a dot (PS3.5 §9.1)';
        if (i === value.length) return 'UID ends with a dot (PS3.5 §9.1)';
        return `UID has an empty component at position ${i} (PS3.5 §9.1)`;
      }
      if (length > 1 && value.charCodeAt(componentStart) === ZERO) {
        return `UID component at position ${componentStart} has a leading zero (PS3.5 §9.1)`;
      }
      componentStart = i + 1;
    } else if (code < ZERO || code > NINE) {
      return `UID has character code 0x${code.toString(16).padStart(2, '0')} at position ${i}; only digits and dots are allowed (PS3.5 §9.1)`;
    }
  }
  return undefined;
}

/** True when `value` follows PS3.5 §9.1. */
export function isValidUid(value: string): boolean {
  return uidProblem(value) === undefined;
}
