import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ApiTokenLogger {
  warn(message: string): void;
}

/**
 * docs/architecture.md §4: API_TOKEN when set; otherwise the token generated at first start under DATA_DIR
 * (mode 0600), printed that one time only so it does not end up in every later log.
 */
export async function resolveApiToken(configured: string | undefined, dataDir: string, logger: ApiTokenLogger): Promise<string> {
  if (configured !== undefined) return configured;
  const file = join(dataDir, 'api-token');
  const stored = await readToken(file);
  if (stored !== undefined) return stored;
  const token = randomBytes(32).toString('base64url');
  await mkdir(dataDir, { recursive: true });
  try {
    // 'wx': a replica starting at the same moment keeps the token that was written first.
    await writeFile(file, `${token}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return (await readToken(file)) ?? token;
    throw err;
  }
  logger.warn(`API_TOKEN is not set: generated one and stored it in ${file}. Send it as "Authorization: Bearer ${token}"`);
  return token;
}

async function readToken(file: string): Promise<string | undefined> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    return text === '' ? undefined : text;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
