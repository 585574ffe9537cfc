/** NATS subject matching: `*` matches one token, a final `>` one or more. */
export function subjectMatches(filter: string, subject: string): boolean {
  const wanted = filter.split('.');
  const actual = subject.split('.');
  for (let i = 0; i < wanted.length; i++) {
    if (wanted[i] === '>') return i === wanted.length - 1 && actual.length > i;
    if (i >= actual.length) return false;
    if (wanted[i] !== '*' && wanted[i] !== actual[i]) return false;
  }
  return wanted.length === actual.length;
}

export function assertSubjectFilter(filter: string): void {
  const tokens = filter.split('.');
  const wellFormed = tokens.every(
    (token, i) => token !== '' && !/\s/.test(token) && (token === '>' ? i === tokens.length - 1 : !/[*>]/.test(token) || token === '*'),
  );
  if (!wellFormed) throw new TypeError(`subject filter ${JSON.stringify(filter)} is not a valid NATS subject`);
}
