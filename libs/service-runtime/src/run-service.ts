import { ConfigError } from '@dicom-router/config';

/**
 * The entry point of every service process: start it, and exit 2 on invalid configuration (every
 * problem listed, nothing started) or 1 on any other start-up failure, so an orchestrator tells a bad
 * deployment from a crash.
 */
export function runService(name: string, start: () => Promise<void>): void {
  start().catch((err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`${name}: invalid configuration\n${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`${name}: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
