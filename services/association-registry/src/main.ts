import 'reflect-metadata';
import { ConfigError } from '@dicom-router/config';
import { startRegistry } from './bootstrap';

startRegistry().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`association-registry: invalid configuration\n${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`association-registry: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
