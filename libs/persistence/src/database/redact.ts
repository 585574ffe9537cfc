/** `postgres://host:port/db`: where a URL points, without user name or password. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return 'an unparseable DATABASE_URL';
  }
}

/** Removes the URL's credentials wherever a driver message repeats them. */
export function scrubCredentials(text: string, url: string): string {
  let scrubbed = text.split(url).join(describeUrl(url));
  const { passwords, users } = credentialsOf(url);
  for (const password of passwords) scrubbed = scrubbed.split(password).join('***');
  // Servers quote the role ('role "x" does not exist'); a bare word may be a host or database name too.
  for (const user of users) scrubbed = scrubbed.split(`"${user}"`).join('"***"');
  return scrubbed;
}

function credentialsOf(url: string): { passwords: string[]; users: string[] } {
  try {
    const { username, password } = new URL(url);
    const variants = (s: string) => [s, safeDecode(s)].filter((v) => v.length > 0);
    return { passwords: variants(password), users: variants(username) };
  } catch {
    return { passwords: [], users: [] };
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
