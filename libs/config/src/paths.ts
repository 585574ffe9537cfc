import { resolve } from 'node:path';

/**
 * The production shipped for `npm start`. Resolved from this file's directory, which is `src/` under
 * ts-jest and `dist/` once built: both sit one level below the package root, beside `productions/`.
 */
export const DEMO_PRODUCTION_PATH = resolve(__dirname, '..', 'productions', 'demo.yaml');
