/** The StorageLocations a fault scenario runs on, with a way to read back what they hold. */
import fs from 'node:fs';
import path from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3RVER_CREDENTIALS, s3Env, S3Server } from '../support/s3-server';
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
  const client = new S3Client({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    credentials: S3RVER_CREDENTIALS,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    env: s3Env(s3.endpoint, `s3://${BUCKET}/objects`),
    read: async (key) => {
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `objects/${key}` }));
        return Buffer.from(await response.Body!.transformToByteArray());
      } catch (e) {
        if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
        throw e;
      }
    },
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

