// Interop and hostile-peer suites, and the deployment checks of deploy/: real processes on loopback
// ports, so one worker and long timeouts.
// Run with `npx jest -c tests/jest.config.ts --runInBand` (see tests/run-all.sh).
import fs from 'node:fs';
import path from 'node:path';
import { pathsToModuleNameMapper } from 'ts-jest';

const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'tsconfig.base.json'), 'utf8'));

export default {
  displayName: 'tests',
  preset: '../jest.preset.js',
  rootDir: '.',
  // The preset's mapper assumes libs/<name>; tests/ sits one level below the workspace root.
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/../' }),
  roots: ['<rootDir>/interop', '<rootDir>/hostile', '<rootDir>/faults', '<rootDir>/deploy'],
  // Root-level afterAll, after each file's own: whatever peer a failed setup left running is stopped.
  setupFilesAfterEnv: ['<rootDir>/support/jest-teardown.ts'],
  testTimeout: 60_000,
  maxWorkers: 1,
};
