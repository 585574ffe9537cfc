import { randomUUID } from 'node:crypto';
import { Writable, finished, type Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
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
import type { ObjectWriter, StagedObject, StorageLocation, StoredObject } from './storage-location';

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
 * Memory per writer ≈ (queueSize + 1) × partSize + 2 × partSize + 3 × highWaterMark: `queueSize`
 * parts in flight plus the one lib-storage's chunker carries over, the writer's two staging buffers
 * (see PartFeeder), and the stream buffers. The defaults (5 MiB × 2) come to about 26 MiB, all of it
 * reused or freed part by part. Beyond that the writer's stream stops taking bytes (`write()`
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
    releasePartBuffers(this.client);
    const prefix = target.prefix ? `/${target.prefix}` : '';
    const via = settings.endpoint ? ` via ${redactedEndpoint(settings.endpoint)}` : '';
    const style = settings.forcePathStyle ? ' (path-style)' : '';
    this.description = `s3://${target.bucket}${prefix}${via}${style}`;
  }

  createWriter(key: string, options: { contentType?: string } = {}): ObjectWriter {
    return new S3ObjectWriter(this.client, this.target.bucket, key, this.objectKey(key), options.contentType, this.limits(), (object) =>
      Promise.resolve(object),
    );
  }

  /**
   * Stages under `.incoming/` (beside the location's probe objects) and promotes with a server-side
   * CopyObject, so the object already at the key stays until then. Staged objects of a process that
   * died in between are left there: a lifecycle rule expiring `<prefix>/.incoming/` after a day
   * removes them.
   */
  createReplacement(key: string, options: { contentType?: string } = {}): ObjectWriter<StagedObject> {
    const Bucket = this.target.bucket;
    const finalKey = this.objectKey(key);
    const stagingKey = this.prefixed(`${RESERVED_TOP_SEGMENT}/${randomUUID()}.staged`);
    const removeStaged = async (): Promise<void> => {
      try {
        await this.client.send(new DeleteObjectCommand({ Bucket, Key: stagingKey }));
      } catch (error) {
        throw s3Error('DeleteObject', error);
      }
    };
    return new S3ObjectWriter(this.client, Bucket, key, stagingKey, options.contentType, this.limits(), async (object) => ({
      ...object,
      promote: async () => {
        try {
          // CopySource is "bucket/key", URL-encoded; keys here are [A-Za-z0-9._/-], which encode as themselves.
          await this.client.send(new CopyObjectCommand({ Bucket, Key: finalKey, CopySource: `${Bucket}/${stagingKey}` }));
        } catch (error) {
          throw s3Error('CopyObject', error);
        }
        await removeStaged().catch(() => undefined);
      },
      discard: removeStaged,
    }));
  }

  private limits(): WriterLimits {
    return { partSize: this.partSize, queueSize: this.queueSize, highWaterMark: this.highWaterMark };
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

class S3ObjectWriter<Committed extends StoredObject> implements ObjectWriter<Committed> {
  readonly stream: HashingStream;
  /**
   * What lib-storage reads from. Kept apart from `stream` so that the caller's stream fails with the
   * upload's reason, not with whatever lib-storage leaves its body in when it gives up.
   */
  private readonly feeder: PartFeeder;
  private readonly upload: Upload;
  /** Settles once lib-storage has finished every request it started: no part is still in flight. */
  private readonly uploaded: Promise<{ error?: unknown }>;
  private state: 'open' | 'committing' | 'committed' | 'failed' | 'aborted' = 'open';
  private committing: Promise<Committed> | undefined;
  private aborting: Promise<void> | undefined;

  /**
   * `objectKey` is where the bytes are uploaded: the key itself, or a staging key; `completed` turns
   * the uploaded object into what commit() returns.
   */
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly key: string,
    private readonly objectKey: string,
    contentType: string | undefined,
    limits: WriterLimits,
    private readonly completed: (object: StoredObject) => Promise<Committed>,
  ) {
    this.stream = new HashingStream(limits.highWaterMark);
    this.feeder = new PartFeeder(limits.partSize, limits.highWaterMark);
    // Failures are reported by commit(); the listeners keep an unobserved 'error' from crashing the process.
    this.stream.on('error', () => undefined);
    this.feeder.on('error', () => undefined);
    this.stream.pipe(this.feeder);
    // pipe() does not pass on a destroyed source; without this the upload would wait for the end forever.
    finished(this.stream, { readable: false }, (error) => {
      if (error) this.feeder.destroy(error);
    });
    this.upload = new Upload({
      client,
      params: { Bucket: bucket, Key: objectKey, Body: this.feeder.body, ContentType: contentType },
      partSize: limits.partSize,
      queueSize: limits.queueSize,
      leavePartsOnError: false,
    });
    this.uploaded = this.upload.done().then(
      () => ({}),
      (error: unknown) => {
        // A writer still writing learns of the failure from its stream, instead of waiting for 'drain'.
        if (this.state === 'open') this.stream.destroy(s3Error('upload', error));
        // Nobody reads the feeder any more: release what it holds and whatever waits on it.
        this.feeder.destroy(s3Error('upload', error));
        return { error };
      },
    );
  }

  commit(): Promise<Committed> {
    if (this.state === 'aborted') return Promise.reject(new Error('writer was aborted'));
    this.committing ??= this.finish();
    return this.committing;
  }

  abort(reason?: Error): Promise<void> {
    this.aborting ??= this.discard(reason);
    return this.aborting;
  }

  private async finish(): Promise<Committed> {
    this.state = 'committing';
    this.stream.end();
    const { error } = await this.uploaded;
    if (error !== undefined) {
      this.state = 'failed';
      throw s3Error('upload', error);
    }
    this.state = 'committed';
    return this.completed({ key: this.key, size: this.stream.byteCount, sha256: this.stream.sha256() });
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
    this.feeder.destroy(cause);
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

/**
 * Frees each multipart part's buffer as soon as S3 has it, instead of leaving it to V8.
 *
 * lib-storage copies every part into a new buffer (see PartFeeder). In flight for a while, those
 * buffers die in V8's old generation, where dead ArrayBuffers are reclaimed only by a mark-compact,
 * which V8 starts after some 64 MB of them: for a large object, tens of MB resident for nothing.
 * A part's buffer is no longer needed once its UploadPart succeeded (S3 answers only once it has the
 * whole part, so nothing is still being sent from it) and the next part was cut from another
 * buffer: lib-storage's chunker carried over only the byte past the part, and that byte went into
 * the next part's copy. Then the memory is moved to a new ArrayBuffer that nothing references (the
 * old one is detached), and the next scavenge frees it.
 *
 * Only buffers of the shape PartFeeder's feed gives lib-storage's copies are touched: the part at
 * offset 0 of a buffer exactly one byte longer. The writer's own staging buffers are part-sized and
 * never match; a last part lying in the previous part's buffer keeps that buffer alive.
 */
function releasePartBuffers(client: S3Client): void {
  interface UploadState {
    /** The buffer under each started part's body, by part number, until the part before it is settled. */
    readonly started: Map<number, WeakRef<ArrayBufferLike>>;
    /** Parts S3 took whose buffer may be freed once the next part started. */
    readonly done: Map<number, WeakRef<Uint8Array>>;
  }
  const uploads = new Map<string, UploadState>();
  const settle = (state: UploadState, partNumber: number): void => {
    const part = state.done.get(partNumber);
    const next = state.started.get(partNumber + 1);
    if (part === undefined || next === undefined) return;
    state.done.delete(partNumber);
    state.started.delete(partNumber + 1);
    const body = part.deref();
    if (body !== undefined && body.buffer !== next.deref()) detach(body.buffer);
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { UploadId?: unknown; PartNumber?: unknown; Body?: unknown };
      const uploadId = input.UploadId;
      if (typeof uploadId !== 'string') return next(args);
      if (context.commandName !== 'UploadPartCommand') {
        // CompleteMultipartUpload or AbortMultipartUpload: the upload is over either way.
        uploads.delete(uploadId);
        return next(args);
      }
      const partNumber = Number(input.PartNumber);
      const body = input.Body instanceof Uint8Array ? input.Body : undefined;
      let state = uploads.get(uploadId);
      if (state === undefined) uploads.set(uploadId, (state = { started: new Map(), done: new Map() }));
      if (body !== undefined) state.started.set(partNumber, new WeakRef(body.buffer));
      settle(state, partNumber - 1);
      const result = await next(args);
      if (body !== undefined && body.byteOffset === 0 && body.buffer.byteLength === body.byteLength + 1 && uploads.get(uploadId) === state) {
        state.done.set(partNumber, new WeakRef(body));
        settle(state, partNumber);
      }
      return result;
    },
    { step: 'initialize', name: 'releasePartBuffers' },
  );
}

/** Moves an ArrayBuffer's memory to a new, unreferenced one: views of it read as empty from now on. */
function detach(buffer: ArrayBufferLike): void {
  // Not `instanceof ArrayBuffer`: under a test runner the buffer may come from another realm.
  if (Object.prototype.toString.call(buffer) !== '[object ArrayBuffer]') return;
  structuredClone(buffer, { transfer: [buffer as ArrayBuffer] });
}

/**
 * The end of an S3 writer that lib-storage's Upload reads: it copies what it receives into two
 * part-sized staging buffers, reused for the whole object, and hands them over as a pulled web
 * ReadableStream.
 *
 * Why not a Readable of the received chunks: lib-storage's chunker keeps every chunk of a stream
 * body until it holds more than a part, then copies them all into a new buffer (Buffer.concat). Kept
 * that long, the DICOM socket's buffers would die in V8's old generation with the parts' copies;
 * copied here on arrival, they die young and go with the next scavenge. And the chunker's copies get
 * one fixed shape, a part and one byte, which releasePartBuffers relies on.
 *
 * Reuse is safe because the chunker cuts a part only once it holds more than partSize bytes and then
 * copies everything it holds. Once it holds at least one byte, a datum that brings it past partSize
 * is copied before it asks for the next one; the stream has a highWaterMark of 0, so each pull is
 * such a request, and a pull after a staging buffer was handed over frees it. The first staged
 * datum tops what the chunker holds up to partSize + 1, so it always carries exactly one byte into
 * the next copy. Objects that fit in a part never allocate staging: their chunks go over as received.
 */
class PartFeeder extends Writable {
  readonly body: ReadableStream<Uint8Array>;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  /** Bytes handed over as received, before staging starts (at most partSize). */
  private direct = 0;
  private staging: [Buffer, Buffer] | undefined;
  private current = 0;
  private filled = 0;
  /** Size of the staging datum being filled: partSize, but the first one tops the direct bytes up to partSize + 1. */
  private target = 0;
  /** Resolves the pending pull; set while lib-storage waits for a datum. */
  private pulled: (() => void) | undefined;
  /** A datum waiting for lib-storage to pull it. */
  private offered: { datum: Buffer; handedOver: () => void; failed: (error: Error) => void } | undefined;
  private bodyEnded = false;

  constructor(
    private readonly partSize: number,
    highWaterMark: number,
  ) {
    super({ highWaterMark });
    this.body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller;
        },
        pull: () =>
          new Promise<void>((resolve) => {
            this.pulled = resolve;
            this.serve();
          }),
        cancel: (reason) => {
          this.destroy(reason instanceof Error ? reason : new Error('upload stopped reading'));
        },
      },
      { highWaterMark: 0 },
    );
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.accept(chunk).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    const last = this.staging && this.filled > 0 ? this.deliver(this.staging[this.current].subarray(0, this.filled)) : Promise.resolve();
    last.then(() => {
      if (!this.bodyEnded) {
        this.bodyEnded = true;
        this.controller.close();
      }
      callback();
    }, callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const reason = error ?? new Error('writer closed before the end of the object');
    this.offered?.failed(reason);
    this.offered = undefined;
    this.staging = undefined;
    if (!this.bodyEnded) {
      this.bodyEnded = true;
      this.controller.error(reason);
    }
    callback(error);
  }

  private async accept(chunk: Buffer): Promise<void> {
    if (this.staging === undefined) {
      if (this.direct + chunk.length <= this.partSize) {
        this.direct += chunk.length;
        return this.deliver(chunk);
      }
      if (this.direct === 0) {
        this.direct = 1;
        await this.deliver(chunk.subarray(0, 1));
        chunk = chunk.subarray(1);
      }
      this.staging = [Buffer.allocUnsafeSlow(this.partSize), Buffer.allocUnsafeSlow(this.partSize)];
      this.target = this.partSize + 1 - this.direct;
    }
    for (let offset = 0; offset < chunk.length; ) {
      const buffer = this.staging[this.current];
      const end = Math.min(chunk.length, offset + this.target - this.filled);
      this.filled += chunk.copy(buffer, this.filled, offset, end);
      offset = end;
      if (this.filled === this.target) {
        await this.deliver(buffer.subarray(0, this.target));
        // Handed over at a pull that proves the other buffer, handed over before, was copied.
        this.current ^= 1;
        this.filled = 0;
        this.target = this.partSize;
      }
      if (this.staging === undefined) throw new Error('writer closed before the end of the object');
    }
  }

  /** Resolves once lib-storage has pulled `datum`. */
  private deliver(datum: Buffer): Promise<void> {
    return new Promise((handedOver, failed) => {
      if (this.destroyed) return failed(this.errored ?? new Error('writer closed before the end of the object'));
      this.offered = { datum, handedOver, failed };
      this.serve();
    });
  }

  private serve(): void {
    const offered = this.offered;
    const pulled = this.pulled;
    if (offered === undefined || pulled === undefined) return;
    this.offered = undefined;
    this.pulled = undefined;
    this.controller.enqueue(offered.datum);
    pulled();
    offered.handedOver();
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
