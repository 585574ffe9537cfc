import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface LoggedRequest {
  method: string;
  url: string;
  status: number;
}

/**
 * s3rver 3.7.1 in this process, on a loopback port, storing into a temporary directory.
 * s3rver answers AbortMultipartUpload with 405 and has no ListMultipartUploads, so "no multipart upload
 * remains" is checked on its directory: an open upload is `<bucket>/._S3rver_uploads/<uploadId>/`.
 * With `abortSupported`, a small middleware implements AbortMultipartUpload on that layout (remove the
 * upload's directory, NoSuchUpload for an unknown id) so that the directory shows what a server honouring
 * the abort would hold.
 */
export class S3Server {
  readonly requests: LoggedRequest[] = [];
  abortSupported = true;
  private server: S3rver | undefined;
  private endpointUrl = '';

  private constructor(readonly directory: string) {}

  static async start(buckets: string[] = ['test']): Promise<S3Server> {
    const harness = new S3Server(await mkdtemp(join(tmpdir(), 's3rver-')));
    const server = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: harness.directory,
      configureBuckets: buckets.map((name) => ({ name })),
    });
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

  /** Multipart uploads started and neither completed nor aborted. */
  async openUploads(bucket = 'test'): Promise<string[]> {
    const uploads = join(this.directory, bucket, '._S3rver_uploads');
    return existsSync(uploads) ? readdir(uploads) : [];
  }

  async stop(): Promise<void> {
    await this.server?.close();
    await rm(this.directory, { recursive: true, force: true });
  }

  private async abortMultipartUpload(
    bucket: string,
    uploadId: string,
    ctx: { status: number; type: string; body: unknown },
  ): Promise<void> {
    const dir = join(this.directory, bucket, '._S3rver_uploads', uploadId);
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
