import fs from 'node:fs';
import path from 'node:path';

/**
 * External programs the suites depend on, with the Debian package that provides each.
 * A missing tool is a failure, never a skip: a green run must mean the peers were really exercised.
 */
export const TOOL_PACKAGES: Readonly<Record<string, string>> = {
  echoscu: 'dcmtk',
  storescu: 'dcmtk',
  findscu: 'dcmtk',
  movescu: 'dcmtk',
  getscu: 'dcmtk',
  storescp: 'dcmtk',
  wlmscpfs: 'dcmtk',
  dcmdump: 'dcmtk',
  dump2dcm: 'dcmtk',
  Orthanc: 'orthanc',
  openssl: 'openssl',
  'nats-server': 'nats-server',
};

/** Directories searched besides PATH: Orthanc lives in /usr/sbin, which a non-root PATH may lack. */
const EXTRA_DIRS = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'];

export interface ToolSearch {
  /** Directories to search instead of PATH + the sbin/bin dirs (lets a test simulate a missing tool). */
  searchDirs?: readonly string[];
}

/** Absolute path of an executable, or undefined. */
export function findTool(name: string, search: ToolSearch = {}): string | undefined {
  const dirs = search.searchDirs ?? [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** Absolute path of the tool; throws, naming the Debian package, when it is not installed. */
export function requireTool(name: string, search: ToolSearch = {}): string {
  const found = findTool(name, search);
  if (found) return found;
  const pkg = TOOL_PACKAGES[name];
  const hint = pkg
    ? `install Debian package "${pkg}" (apt-get install -y --no-install-recommends ${pkg}; tests/run-all.sh does this when run as root)`
    : 'no Debian package is known for it';
  throw new Error(`required tool "${name}" is not installed: ${hint}`);
}

/** Debian's python3-pydicom ships these DICOM files; DESIGN §7 names them as test data. */
export const PYDICOM_TEST_FILES = '/usr/lib/python3/dist-packages/pydicom/data/test_files';

/** Absolute path of a pydicom sample file; throws naming python3-pydicom when it is absent. */
export function pydicomTestFile(name: string): string {
  const file = path.join(PYDICOM_TEST_FILES, name);
  if (!fs.existsSync(file)) {
    throw new Error(`test file ${file} is missing: install Debian package "python3-pydicom"`);
  }
  return file;
}
