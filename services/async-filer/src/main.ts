import 'reflect-metadata';
import { ConfigError } from '@dicom-router/config';
import { startAsyncFiler } from './bootstrap';

startAsyncFiler().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`async-filer: invalid configuration\n${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`async-filer: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
