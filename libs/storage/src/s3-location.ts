import { randomUUID } from 'node:crypto';
import { PassThrough, finished, type Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3Settings } from '@dicom-router/config';
import { InvalidKeyError, ObjectNotFoundError, StorageUnavailableError, systemErrorCode } from './errors';
import { DEFAULT_HIGH_WATER_MARK, HashingStream } from './hashing-stream';
import { RESERVED_TOP_SEGMENT, validateObjectKey } from './keys';
import type { ObjectWriter, StorageLocation, StoredObject } from './storage-location';

/** The smallest part S3 accepts for all but the last part of a multipart upload (AWS; MinIO and Ceph agree). */
export const MIN_PART_SIZE = 5 * 1024 * 1024;

export interface S3LocationOptions {
  /** Multipart part size in bytes, at least 5 MiB. Default 5 MiB. */
  partSize?: number;
  /** Parts uploaded concurrently per writer. Default 2. */
  queueSize?: number;
  /** Bytes buffered on each side of the writer's stream before `write()` returns false. */
  highWaterMark?: number;
  /** Attempts per S3 request, including the first (the SDK retries with backoff). Default 3. */
  maxAttempts?: number;
  /** Milliseconds to establish a TCP connection. Default 5 000. */
  connectionTimeoutMs?: number;
  /** Milliseconds a request may stay without a response. Default 60 000. */
  requestTimeoutMs?: number;
}

interface S3Target {
  readonly bucket: string;
  /** Prepended to every key with a `/`; empty for the bucket's root. */
  readonly prefix: string;
}

/**
 * Objects in an S3 bucket under a prefix.
 *
 * Memory per writer ≈ (queueSize + 1) × partSize + 2 × highWaterMark: `queueSize` parts in flight
 * plus the one being assembled by lib-storage's chunker, plus the stream buffers. The defaults
 * (5 MiB × 2) come to about 16 MiB. Beyond that the writer's stream stops taking bytes (`write()`
 * returns false), which is what pauses the DICOM socket upstream.
 *
 * The SHA-256 is known only once the last byte went through, after the upload started, so it cannot
 * be object metadata; the caller gets it from commit() and records it in the stored event.
 */
export class S3StorageLocation implements StorageLocation {
  readonly kind = 's3' as const;
  readonly description: string;
  private readonly client: S3Client;
  private readonly partSize: number;
  private readonly queueSize: number;
  private readonly highWaterMark: number;

  constructor(
    private readonly target: S3Target,
    settings: S3Settings,
    options: S3LocationOptions = {},
  ) {
    this.partSize = options.partSize ?? MIN_PART_SIZE;
    this.queueSize = options.queueSize ?? 2;
    this.highWaterMark = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    if (this.partSize < MIN_PART_SIZE) throw new RangeError(`S3 part size must be at least ${MIN_PART_SIZE} bytes`);
    if (!Number.isInteger(this.queueSize) || this.queueSize < 1) throw new RangeError('S3 queue size must be at least 1');
    this.client = new S3Client({
      endpoint: settings.endpoint,
      // A non-AWS endpoint ignores the region but the signature needs one; for AWS the SDK's chain finds it.
      region: settings.region ?? (settings.endpoint ? 'us-east-1' : undefined),
      credentials:
        settings.accessKeyId && settings.secretAccessKey
          ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }
          : undefined,
      forcePathStyle: settings.forcePathStyle,
      // Without these, streamed bodies go out with aws-chunked framing that non-AWS servers store verbatim.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: options.maxAttempts ?? 3,
      requestHandler: {
        connectionTimeout: options.connectionTimeoutMs ?? 5_000,
        requestTimeout: options.requestTimeoutMs ?? 60_000,
      },
    });
    const prefix = target.prefix ? `/${target.prefix}` : '';
    const via = settings.endpoint ? ` via ${redactedEndpoint(settings.endpoint)}` : '';
    const style = settings.forcePathStyle ? ' (path-style)' : '';
    this.description = `s3://${target.bucket}${prefix}${via}${style}`;
  }

  createWriter(key: string, options: { contentType?: string } = {}): ObjectWriter {
    return new S3ObjectWriter(this.client, this.target.bucket, key, this.objectKey(key), options.contentType, {
      partSize: this.partSize,
      queueSize: this.queueSize,
      highWaterMark: this.highWaterMark,
    });
  }

  async openReader(key: string): Promise<Readable> {
    const Key = this.objectKey(key);
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.target.bucket, Key }));
      // In Node the SDK's body is the HTTP response itself: a Readable, streamed as it arrives.
      return response.Body as Readable;
    } catch (error) {
      if (httpStatus(error) === 404 || errorName(error) === 'NoSuchKey') {
        throw new ObjectNotFoundError(`no object at key ${key}`, { cause: error });
      }
      throw s3Error('GetObject', error);
    }
  }

  async head(key: string): Promise<{ size: number } | null> {
    const Key = this.objectKey(key);
    try {
      const response = await this.client.send(new HeadObjectCommand({ Bucket: this.target.bucket, Key }));
      return { size: response.ContentLength ?? 0 };
    } catch (error) {
      if (httpStatus(error) === 404) return null;
      throw s3Error('HeadObject', error);
    }
  }

  async delete(key: string): Promise<void> {
    const Key = this.objectKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.target.bucket, Key }));
    } catch (error) {
      throw s3Error('DeleteObject', error);
    }
  }

  /** HeadBucket (reach, bucket, s3:ListBucket), then a small probe object written and deleted. */
  async check(): Promise<void> {
    const Bucket = this.target.bucket;
    try {
      await this.client.send(new HeadBucketCommand({ Bucket }));
    } catch (error) {
      const status = httpStatus(error);
      if (status === 404) throw new StorageUnavailableError(`S3 bucket "${Bucket}" does not exist`, { cause: error });
      if (status === 403) throw new StorageUnavailableError(`S3 access to bucket "${Bucket}" denied`, { cause: error });
      throw s3Error('HeadBucket', error);
    }
    const Key = this.prefixed(`${RESERVED_TOP_SEGMENT}/check-${randomUUID()}`);
    try {
      await this.client.send(new PutObjectCommand({ Bucket, Key, Body: 'ok' }));
      await this.client.send(new DeleteObjectCommand({ Bucket, Key }));
    } catch (error) {
      throw s3Error('check write', error);
    }
  }

  private objectKey(key: string): string {
    const problem = validateObjectKey(key);
    if (problem !== undefined) throw new InvalidKeyError(problem);
    return this.prefixed(key);
  }

  private prefixed(key: string): string {
    return this.target.prefix ? `${this.target.prefix}/${key}` : key;
  }
}

interface WriterLimits {
  partSize: number;
  queueSize: number;
  highWaterMark: number;
}

class S3ObjectWriter implements ObjectWriter {
  readonly stream: HashingStream;
  /**
   * What lib-storage reads. Kept apart from `stream` because lib-storage destroys its body with a bare
   * AbortError when it gives up; the caller's stream must fail with the reason instead.
   */
  private readonly body: PassThrough;
  private readonly upload: Upload;
  /** Settles once lib-storage has finished every request it started: no part is still in flight. */
  private readonly uploaded: Promise<{ error?: unknown }>;
  private state: 'open' | 'committing' | 'committed' | 'failed' | 'aborted' = 'open';
  private committing: Promise<StoredObject> | undefined;
  private aborting: Promise<void> | undefined;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly key: string,
    private readonly objectKey: string,
    contentType: string | undefined,
    limits: WriterLimits,
  ) {
    this.stream = new HashingStream(limits.highWaterMark);
    this.body = new PassThrough({ highWaterMark: limits.highWaterMark });
    // Failures are reported by commit(); the listeners keep an unobserved 'error' from crashing the process.
    this.stream.on('error', () => undefined);
    this.body.on('error', () => undefined);
    this.stream.pipe(this.body);
    // pipe() does not pass on a destroyed source; without this the upload would wait for the end forever.
    finished(this.stream, { readable: false }, (error) => {
      if (error) this.body.destroy(error);
    });
    this.upload = new Upload({
      client,
      params: { Bucket: bucket, Key: objectKey, Body: this.body, ContentType: contentType },
      partSize: limits.partSize,
      queueSize: limits.queueSize,
      leavePartsOnError: false,
    });
    this.uploaded = this.upload.done().then(
      () => ({}),
      (error: unknown) => {
        // A writer still writing learns of the failure from its stream, instead of waiting for 'drain'.
        if (this.state === 'open') this.stream.destroy(s3Error('upload', error));
        return { error };
      },
    );
  }

  commit(): Promise<StoredObject> {
    if (this.state === 'aborted') return Promise.reject(new Error('writer was aborted'));
    this.committing ??= this.finish();
    return this.committing;
  }

  abort(reason?: Error): Promise<void> {
    this.aborting ??= this.discard(reason);
    return this.aborting;
  }

  private async finish(): Promise<StoredObject> {
    this.state = 'committing';
    this.stream.end();
    const { error } = await this.uploaded;
    if (error !== undefined) {
      this.state = 'failed';
      throw s3Error('upload', error);
    }
    this.state = 'committed';
    return { key: this.key, size: this.stream.byteCount, sha256: this.stream.sha256() };
  }

  /**
   * Upload.abort() is not used: it returns before parts in flight have settled and drops the outcome
   * of its own AbortMultipartUpload. Ending the body with an error makes lib-storage stop, wait for its
   * requests and abort the multipart upload itself; then we abort it once more, by id, and take
   * NoSuchUpload as the proof that nothing remains. A part still uploading while the abort runs could
   * otherwise leave storage behind (AWS documents this race for AbortMultipartUpload).
   */
  private async discard(reason?: Error): Promise<void> {
    if (this.committing) {
      const committed = await this.committing.then(
        () => true,
        () => false,
      );
      if (committed) return;
    }
    this.state = 'aborted';
    const cause = reason ?? new Error('aborted');
    this.stream.destroy(cause);
    this.body.destroy(cause);
    await this.uploaded;
    const UploadId = this.upload.uploadId;
    if (UploadId === undefined) return;
    try {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.objectKey, UploadId }));
    } catch (error) {
      if (httpStatus(error) === 404 || errorName(error) === 'NoSuchUpload') return;
      throw new StorageUnavailableError(`S3 multipart upload not aborted: ${shortReason(error)}`, { cause: error });
    }
  }
}

/** Errors from the network or the S3 service become StorageUnavailableError; our own bugs pass through. */
export function s3Error(operation: string, error: unknown): Error {
  if (
    error instanceof StorageUnavailableError ||
    error instanceof ObjectNotFoundError ||
    error instanceof InvalidKeyError
  ) {
    return error;
  }
  if (isRemoteFailure(error)) {
    return new StorageUnavailableError(`S3 ${operation} failed: ${shortReason(error)}`, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}

const REMOTE_ERROR_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'CredentialsProviderError', 'AbortError']);

function isRemoteFailure(error: unknown): boolean {
  return (
    httpStatus(error) !== undefined ||
    networkErrorCode(error) !== undefined ||
    REMOTE_ERROR_NAMES.has(errorName(error) ?? '') ||
    (error as { $metadata?: unknown } | null)?.$metadata !== undefined
  );
}

/** A few words for a DICOM Error Comment: the S3 error code and HTTP status, or the socket error. */
function shortReason(error: unknown): string {
  const code = networkErrorCode(error);
  const status = httpStatus(error);
  const name = errorName(error);
  if (code !== undefined && status === undefined) return `endpoint unreachable (${code})`;
  if (status !== undefined) return `${name ?? 'error'} (HTTP ${status})`;
  return name ?? 'error';
}

const NETWORK_CODE = /\b(ECONNREFUSED|ECONNRESET|ECONNABORTED|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE)\b/;

/**
 * The socket error behind a failed request. The SDK wraps an error that is not an `Error` of its own
 * realm (as under Jest) into "AWS SDK error wrapper for Error: connect ECONNREFUSED …", dropping `code`.
 */
function networkErrorCode(error: unknown): string | undefined {
  const code = systemErrorCode(error);
  if (code !== undefined && NETWORK_CODE.test(code)) return code;
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? NETWORK_CODE.exec(message)?.[1] : undefined;
}

function httpStatus(error: unknown): number | undefined {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

function errorName(error: unknown): string | undefined {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : undefined;
}

/** The endpoint for logs: scheme, host and port only, never user info or query. */
function redactedEndpoint(endpoint: string): string {
  if (!URL.canParse(endpoint)) return 'a custom endpoint';
  const url = new URL(endpoint);
  return `${url.protocol}//${url.host}`;
}
