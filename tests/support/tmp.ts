import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * All scratch files of the suites live under one root, so tests/run-all.sh can clear its own root
 * (DICOM_ROUTER_TEST_TMP) before a run while the previous run's files (peer logs, received objects)
 * stay around for a post-mortem, and without touching a developer's concurrent jest run.
 */
export const TEST_TMP_ROOT = process.env.DICOM_ROUTER_TEST_TMP || path.join(os.tmpdir(), 'dicom-router-tests');

/** A fresh directory under TEST_TMP_ROOT. */
export function tempDir(prefix: string): string {
  fs.mkdirSync(TEST_TMP_ROOT, { recursive: true });
  return fs.mkdtempSync(path.join(TEST_TMP_ROOT, `${prefix}-`));
}
