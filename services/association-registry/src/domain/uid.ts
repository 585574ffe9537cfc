/** PS3.5 §9.1: at most 64 characters. */
const UID_MAX_LENGTH = 64;

/**
 * Why `uid` is not a UID, or undefined. PS3.5 §9.1: digit components separated by periods, each
 * non-empty and without a leading zero (a lone 0 is fine), 64 characters at most.
 */
export function uidProblem(uid: string): string | undefined {
  if (uid.length === 0) return 'a UID must not be empty';
  if (uid.length > UID_MAX_LENGTH) return `a UID has at most ${UID_MAX_LENGTH} characters`;
  if (!/^[0-9.]+$/.test(uid)) return 'a UID may contain only digits and periods';
  for (const component of uid.split('.')) {
    if (component === '') return 'a UID must not start or end with a period or contain two in a row';
    if (component.length > 1 && component.startsWith('0')) return 'a UID component must not have a leading zero';
  }
  return undefined;
}
