import { describeUrl, scrubCredentials } from './redact';

describe('credentials in messages', () => {
  const url = 'postgres://router:p%40ss-hunter2@db.example:5432/router';

  it('describes a URL by host and database only', () => {
    expect(describeUrl(url)).toBe('postgres://db.example:5432/router');
    expect(describeUrl('not a url with hunter2')).toBe('an unparseable DATABASE_URL');
  });

  it('removes the URL, its user name and its password, encoded or not, from a message', () => {
    const message = `connect to ${url} failed: password authentication failed for user "router" (p@ss-hunter2, p%40ss-hunter2)`;
    const scrubbed = scrubCredentials(message, url);
    expect(scrubbed).not.toMatch(/hunter2|router:|"router"/);
    expect(scrubbed).toContain('postgres://db.example:5432/router failed');
    expect(scrubbed).toContain('db.example:5432');
  });
});
