/**
 * One very large C-STORE from our own SCU (the data set generated while it is sent), with the
 * gateway's RSS sampled throughout, and the stored object hashed in one pass afterwards: what the
 * "1 GiB with RSS below 200 MB" tests (issue 4, docs/architecture.md §6) share whatever the storage.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { readFileMetaInformation } from '@dicom-router/dicom-data';
import { DicomClient } from '@dicom-router/dicom-network';
import type { GatewayHandle } from './gateway';
import { CT_IMAGE_STORAGE, EXPLICIT_VR_LITTLE_ENDIAN, largeCtDataSet } from './store-bytes';

const MiB = 1024 * 1024;
const freshUid = (): string => `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString()}`;

export interface LargeStoreResult {
  uids: { sopInstanceUid: string; studyInstanceUid: string; seriesInstanceUid: string };
  /** Bytes of the data set sent, and their SHA-256. */
  dataSetSize: number;
  dataSetSha256: string;
  status: number;
  seconds: number;
  rssIdle: number;
  peakRss: number;
}

/** 16384 × 32768 16-bit CT pixels by default: exactly 1 GiB of Pixel Data. */
export async function storeLargeInstance(
  gateway: GatewayHandle,
  options: { callingAet: string; calledAet?: string; rows?: number; columns?: number; dimseTimeoutMs: number },
): Promise<LargeStoreResult> {
  const uids = { sopInstanceUid: freshUid(), studyInstanceUid: freshUid(), seriesInstanceUid: freshUid() };
  const instance = largeCtDataSet(uids, options.rows ?? 16384, options.columns ?? 32768);
  const association = await DicomClient.connect({
    host: '127.0.0.1',
    port: gateway.dicomPort,
    connectTimeoutMs: 3000,
    callingAet: options.callingAet,
    calledAet: options.calledAet ?? 'DICOM-ROUTER',
    dimseTimeoutMs: options.dimseTimeoutMs,
    implementation: { classUid: '2.25.100030543585475866236183110513822956206', versionName: 'LARGE_TEST' },
    presentationContexts: [{ abstractSyntax: CT_IMAGE_STORAGE, transferSyntaxes: [EXPLICIT_VR_LITTLE_ENDIAN] }],
  });
  const rssIdle = gateway.rssBytes();
  let peakRss = rssIdle;
  const sampler = setInterval(() => {
    try {
      peakRss = Math.max(peakRss, gateway.rssBytes());
    } catch {
      /* the gateway died: the caller's status assertion says so */
    }
  }, 50);
  try {
    const started = performance.now();
    const { status } = await association.store({
      sopClassUid: CT_IMAGE_STORAGE,
      sopInstanceUid: uids.sopInstanceUid,
      transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN,
      dataSet: instance.stream(),
    });
    const seconds = (performance.now() - started) / 1000;
    return { uids, dataSetSize: instance.size, dataSetSha256: instance.sha256(), status, seconds, rssIdle, peakRss };
  } finally {
    clearInterval(sampler);
    await association.release();
  }
}

/** A stored Part-10 object read once: its size, SHA-256, and the SHA-256 of the data set after the meta header. */
export async function hashStoredObject(file: string): Promise<{ size: number; metaLength: number; sha256: string; dataSetSha256: string }> {
  const head = Buffer.alloc(4096);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  const metaLength = readFileMetaInformation(head).dataSetOffset;
  const whole = createHash('sha256');
  const dataSet = createHash('sha256');
  let offset = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 4 * MiB }) as AsyncIterable<Buffer>) {
    whole.update(chunk);
    const skip = Math.max(0, metaLength - offset);
    if (skip < chunk.length) dataSet.update(chunk.subarray(skip));
    offset += chunk.length;
  }
  return { size: offset, metaLength, sha256: whole.digest('hex'), dataSetSha256: dataSet.digest('hex') };
}

/** A one-line report for the test output. */
export function describeLargeStore(label: string, result: LargeStoreResult): string {
  const mb = (n: number): string => (n / 1e6).toFixed(0);
  return `${label}: ${result.seconds.toFixed(1)} s, ${mb(result.dataSetSize / result.seconds)} MB/s, gateway RSS ${mb(result.rssIdle)} MB idle, ${mb(result.peakRss)} MB peak\n`;
}
