import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3Server as S3rverHarness } from '@dicom-router/storage/testing';
import { S3RVER_CREDENTIALS } from '@dicom-router/storage/testing';
import { closeAfterFile } from './teardown';
import { tempDir } from './tmp';

export { S3RVER_CREDENTIALS, type LoggedRequest } from '@dicom-router/storage/testing';

/** The storage library's s3rver harness, its data under this run's scratch root (tests/support/tmp.ts). */
export type S3Server = S3rverHarness;
export const S3Server = {
  start: async (buckets: string[]): Promise<S3Server> => {
    const server = await S3rverHarness.start(buckets, tempDir('s3rver'));
    closeAfterFile(() => server.stop());
    return server;
  },
};

/** The gateway's (or any service's) S3 environment for an s3rver endpoint (docs/architecture.md §4). */
export function s3Env(endpoint: string, location: string): Record<string, string> {
  return {
    STORAGE_LOCATION: location,
    S3_ENDPOINT: endpoint,
    S3_REGION: 'us-east-1',
    S3_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    S3_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
  };
}

/** An SDK client a test reads s3rver with, set up as the gateway's is (no aws-chunked framing). */
export function s3TestClient(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    credentials: S3RVER_CREDENTIALS,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** The object's bytes, or null when there is none. */
export async function readS3Object(client: S3Client, bucket: string, key: string): Promise<Buffer | null> {
  try {
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await response.Body!.transformToByteArray());
  } catch (e) {
    if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
    throw e;
  }
}
