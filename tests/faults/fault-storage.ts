/** The StorageLocations a fault scenario runs on, with a way to read back what they hold. */
import fs from 'node:fs';
import path from 'node:path';
import { readS3Object, s3Env, S3Server, s3TestClient } from '../support/s3-server';
import { tempDir } from '../support/tmp';

const BUCKET = 'faults';

export interface StorageUnderTest {
  env: Record<string, string>;
  /** The object's bytes at `key`, or null. */
  read(key: string): Promise<Buffer | null>;
  close(): Promise<void>;
}

export async function s3Storage(): Promise<StorageUnderTest> {
  const s3 = await S3Server.start([BUCKET]);
  const client = s3TestClient(s3.endpoint);
  return {
    env: s3Env(s3.endpoint, `s3://${BUCKET}/objects`),
    read: (key) => readS3Object(client, BUCKET, `objects/${key}`),
    close: async () => {
      client.destroy();
      await s3.stop();
    },
  };
}

export async function fileStorage(): Promise<StorageUnderTest> {
  const root = tempDir('fault-storage');
  return {
    env: { STORAGE_LOCATION: `file://${root}` },
    read: async (key) => {
      const file = path.join(root, ...key.split('/'));
      return fs.existsSync(file) ? fs.readFileSync(file) : null;
    },
    close: async () => undefined,
  };
}

