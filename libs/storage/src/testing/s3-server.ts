import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import S3rver from 's3rver';

/**
 * Test support, a separate entry point (`@dicom-router/storage/testing`) that only specs, test
 * harnesses and benchmarks import: s3rver 3.7.1 in the test process on a loopback port.
 *
 * s3rver answers AbortMultipartUpload with 405 and has no ListMultipartUploads, so "no multipart upload
 * remains" is read from its directory: an open upload is `<bucket>/._S3rver_uploads/<uploadId>/`, a
 * stored object is `<bucket>/<key>._S3rver_object`. A small middleware implements
 * AbortMultipartUpload on that layout (remove the upload's directory, NoSuchUpload for an unknown id),
 * so the directory shows what a server honouring the abort would hold; `abortSupported = false`
 * turns that off, to test a server that refuses the abort.
 */

export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

const OBJECT_SUFFIX = '._S3rver_object';
const UPLOADS_DIR = '._S3rver_uploads';

export interface LoggedRequest {
  method: string;
  url: string;
  status: number;
}

export class S3Server {
  readonly requests: LoggedRequest[] = [];
  private server: S3rver | undefined;
  private endpointUrl = '';

  private constructor(readonly directory: string) {}

  /** Whether the middleware implements AbortMultipartUpload (s3rver alone answers 405). */
  abortSupported = true;

  /** Serves `buckets`, storing into a new directory under `parentDir`. */
  static async start(buckets: string[] = ['test'], parentDir = tmpdir()): Promise<S3Server> {
    const harness = new S3Server(await mkdtemp(join(parentDir, 's3rver-')));
    const server = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: harness.directory,
      configureBuckets: buckets.map((name) => ({ name })),
    });
    // `silent` mutes the transport only: a request still in flight when close() has removed the
    // transports makes winston complain on the console, which fails a jest run after its tests are done.
    server.logger.silent = true;
    server.middleware.unshift(async (ctx, next) => {
      try {
        if (harness.abortSupported && ctx.method === 'DELETE' && typeof ctx.query['uploadId'] === 'string') {
          await harness.abortMultipartUpload(ctx.path.split('/')[1] ?? '', ctx.query['uploadId'], ctx);
        } else {
          await next();
        }
      } finally {
        harness.requests.push({ method: ctx.method, url: ctx.url, status: ctx.status });
      }
    });
    const address = await server.run();
    harness.server = server;
    harness.endpointUrl = `http://127.0.0.1:${address.port}`;
    return harness;
  }

  get endpoint(): string {
    return this.endpointUrl;
  }

  get port(): number {
    return Number(new URL(this.endpointUrl).port);
  }

  /** Multipart uploads started and neither completed nor aborted. */
  async openUploads(bucket = 'test'): Promise<string[]> {
    const uploads = join(this.directory, bucket, UPLOADS_DIR);
    return existsSync(uploads) ? readdir(uploads) : [];
  }

  /**
   * Keys of the objects stored in the bucket, read from s3rver's directory, without the readiness
   * probes (`.incoming/check-<uuid>`) that a running StorageLocation writes and deletes at each check.
   */
  async objectKeys(bucket: string): Promise<string[]> {
    const root = join(this.directory, bucket);
    const keys: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== UPLOADS_DIR) await walk(full);
        } else if (entry.name.endsWith(OBJECT_SUFFIX)) {
          keys.push(relative(root, full).slice(0, -OBJECT_SUFFIX.length));
        }
      }
    };
    await walk(root);
    return keys.filter((key) => !/(^|\/)\.incoming\/check-[0-9a-f-]+$/.test(key)).sort();
  }

  /** Safe to call again: a stopped server is left alone. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.close();
    await rm(this.directory, { recursive: true, force: true });
  }

  private async abortMultipartUpload(
    bucket: string,
    uploadId: string,
    ctx: { status: number; type: string; body: unknown },
  ): Promise<void> {
    const dir = join(this.directory, bucket, UPLOADS_DIR, uploadId);
    if (!/^[0-9a-f]+$/.test(uploadId) || !existsSync(dir)) {
      ctx.status = 404;
      ctx.type = 'application/xml';
      ctx.body =
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code>' +
        '<Message>The specified upload does not exist.</Message></Error>';
      return;
    }
    await rm(dir, { recursive: true, force: true });
    ctx.status = 204;
  }
}
