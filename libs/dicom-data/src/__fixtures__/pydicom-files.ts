import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Debian's python3-pydicom test data (docs/architecture.md §7). */
export const PYDICOM_DATA = '/usr/lib/python3/dist-packages/pydicom/data';
export const PYDICOM_TEST_FILES = join(PYDICOM_DATA, 'test_files');
export const PYDICOM_CHARSET_FILES = join(PYDICOM_DATA, 'charset_files');
export const DCMDUMP = '/usr/bin/dcmdump';

/** Every regular file under `dir`, sorted, recursively. */
export function listFiles(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) files.push(...listFiles(path));
    else if (stat.isFile()) files.push(path);
  }
  return files;
}

/** Top-level values DCMTK prints for `tags` (`gggg,eeee`), per file, as raw bytes. */
export function dcmdumpValues(files: readonly string[], tags: readonly string[]): Map<string, Map<string, Buffer>> {
  const args = ['-q', '+F', '+L', '+p', '+uc', ...tags.flatMap((tag) => ['+P', tag]), ...files];
  const run = spawnSync(DCMDUMP, args, { maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw run.error;
  const result = new Map<string, Map<string, Buffer>>();
  let current: Map<string, Buffer> | undefined;
  // dcmdump prints raw value bytes; latin1 keeps one character per byte.
  for (const line of run.stdout.toString('latin1').split('\n')) {
    const header = /^# dcmdump \(\d+\/\d+\): (.*)$/.exec(line);
    if (header) {
      current = new Map();
      result.set(header[1], current);
      continue;
    }
    // `+p` prefixes nested elements with their sequence path, so a bare tag is a top-level one.
    const element = /^\(([0-9a-f]{4}),([0-9a-f]{4})\) [A-Z]{2} (?:\[(.*)\]|\(no value available\))\s+#/.exec(line);
    if (element && current) current.set(`${element[1]},${element[2]}`, Buffer.from(element[3] ?? '', 'latin1'));
  }
  return result;
}

/** Deterministic pseudo-random numbers (mulberry32), so that a failing chunking can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `bytes` cut into chunks of 1 to `max` bytes. */
export function randomChunks(bytes: Buffer, random: () => number, max = 4096): Buffer[] {
  const chunks: Buffer[] = [];
  for (let pos = 0; pos < bytes.length; ) {
    const size = random() < 0.2 ? 1 + Math.floor(random() * 16) : 1 + Math.floor(random() * max);
    chunks.push(bytes.subarray(pos, pos + size));
    pos += size;
  }
  return chunks;
}
