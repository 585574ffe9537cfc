import 'reflect-metadata';
import { ConfigError } from '@dicom-router/config';
import { startGateway } from './bootstrap';

startGateway().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`dicom-gateway: invalid configuration\n${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`dicom-gateway: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
