import { S3Server as S3rverHarness } from '@dicom-router/storage/testing';
import { tempDir } from './tmp';

export { S3RVER_CREDENTIALS, type LoggedRequest } from '@dicom-router/storage/testing';

/** The storage library's s3rver harness, its data under this run's scratch root (tests/support/tmp.ts). */
export type S3Server = S3rverHarness;
export const S3Server = {
  start: (buckets: string[]): Promise<S3Server> => S3rverHarness.start(buckets, tempDir('s3rver')),
};
