/**
 * C-STORE into a slow S3 endpoint: while S3 takes the bytes at a few MB/s the
 * gateway stops reading the DICOM socket instead of buffering, so the sender is held back to S3's
 * pace, the gateway's RSS stays bounded (it grows by far less than the instance), and the instance
 * still arrives whole with 0000H.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { readFileMetaInformation } from '@dicom-router/dicom-data';
import { DicomClient, Status } from '@dicom-router/dicom-network';
import { startGateway, type GatewayHandle } from '../support/gateway';
import { NATS_URL } from '../support/jetstream-events';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { stopAll } from '../support/processes';
import { s3Env, S3Server } from '../support/s3-server';
import { CT_IMAGE_STORAGE, EXPLICIT_VR_LITTLE_ENDIAN, largeCtDataSet } from '../support/store-bytes';
import { ThrottlingProxy } from '../support/throttling-proxy';

const MiB = 1024 * 1024;
const BUCKET = 'dicom';
const PREFIX = 'slow';
/** S3's pace at first: 80 MB in 20 s, under a third of the instance. */
const THROTTLE_BYTES_PER_SECOND = 4e6;
const THROTTLED_MS = 20_000;
/**
 * How far the sender may get ahead of what S3 received: the gateway's own buffers (two 5 MiB parts
 * in flight, one being assembled, stream buffers) plus the kernel's socket buffers on both loopback
 * hops, which autotuning grows to several MiB each. Without backpressure the gap would be the
 * whole instance less the few MB S3 took meanwhile.
 */
const MAX_AHEAD_BYTES = 64 * MiB;
const freshUid = (): string => `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString()}`;

interface Sample {
  ms: number;
  rss: number;
  /** Data set bytes the SCU has taken from its source stream. */
  sent: number;
  /** Bytes the proxy has passed on to s3rver. */
  toS3: number;
}

describe('a 256 MiB instance streamed by our SCU into a slow S3 endpoint', () => {
  let s3: S3Server;
  let proxy: ThrottlingProxy;
  let database: TestDatabase;
  let gateway: GatewayHandle;

  beforeAll(async () => {
    s3 = await S3Server.start([BUCKET]);
    // Unlimited until the test starts: the gateway's startup checks need not wait for it.
    proxy = await ThrottlingProxy.start(s3.port, null);
    // PostgreSQL as deployed (DATABASE_URL), not the embedded server of the all-in-one process.
    database = await createTestDatabase();
    gateway = await startGateway({
      production: {
        listeners: [{ name: 'main', localAet: 'DICOM-ROUTER', remoteAets: ['SLOW-S3-SCU'] }],
        associations: [
          {
            name: 'SLOW-S3-SCU',
            callingAet: 'SLOW-S3-SCU',
            calledAet: 'DICOM-ROUTER',
            presentationContexts: [{ abstractSyntax: CT_IMAGE_STORAGE, transferSyntaxes: [EXPLICIT_VR_LITTLE_ENDIAN] }],
          },
        ],
      },
      env: {
        ...s3Env(proxy.endpoint, `s3://${BUCKET}/${PREFIX}`),
        DATABASE_URL: database.url,
        NATS_URL,
      },
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
    await proxy?.close();
    await s3?.stop();
    await stopAll();
  });

  it('holds the sender back to S3 pace with the gateway RSS bounded, then stores it whole', async () => {
    const uids = { sopInstanceUid: freshUid(), studyInstanceUid: freshUid(), seriesInstanceUid: freshUid() };
    // 8192 × 16384 16-bit pixels: 256 MiB of Pixel Data, generated while it is sent.
    const instance = largeCtDataSet(uids, 8192, 16384);
    let sent = 0;
    let sentAllAtMs: number | undefined;

    const association = await DicomClient.connect({
      host: '127.0.0.1',
      port: gateway.dicomPort,
      connectTimeoutMs: 3000,
      callingAet: 'SLOW-S3-SCU',
      calledAet: 'DICOM-ROUTER',
      // Bounded well above the expected ~30 s, below the test's own timeout.
      dimseTimeoutMs: 100_000,
      implementation: { classUid: '2.25.100030543585475866236183110513822956206', versionName: 'SLOW_S3_TEST' },
      presentationContexts: [{ abstractSyntax: CT_IMAGE_STORAGE, transferSyntaxes: [EXPLICIT_VR_LITTLE_ENDIAN] }],
    });
    const rssIdle = gateway.rssBytes();
    const toS3Before = proxy.bytesForwarded;
    const started = performance.now();
    const samples: Sample[] = [];
    const sample = (): void => {
      let rss = Number.NaN;
      try {
        rss = gateway.rssBytes();
      } catch {
        /* the gateway died: the status assertion below says so */
      }
      samples.push({ ms: performance.now() - started, rss, sent, toS3: proxy.bytesForwarded - toS3Before });
    };
    proxy.setRate(THROTTLE_BYTES_PER_SECOND);
    sample();
    const sampler = setInterval(sample, 100);
    let atLift: Sample | undefined;
    const lift = setTimeout(() => {
      sample();
      atLift = samples[samples.length - 1];
      proxy.setRate(null);
    }, THROTTLED_MS);

    let status: number;
    let seconds: number;
    try {
      ({ status } = await association.store({
        sopClassUid: CT_IMAGE_STORAGE,
        sopInstanceUid: uids.sopInstanceUid,
        transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN,
        // Counted as the SCU pulls it: the SCU pulls only as its socket drains.
        dataSet: Readable.from(
          (async function* () {
            for await (const chunk of instance.stream() as AsyncIterable<Buffer>) {
              sent += chunk.length;
              yield chunk;
            }
            sentAllAtMs = performance.now() - started;
          })(),
        ),
      }));
      seconds = (performance.now() - started) / 1000;
    } finally {
      clearInterval(sampler);
      clearTimeout(lift);
      proxy.setRate(null);
      await association.release();
    }
    sample();

    const throttled = samples.filter((s) => s.ms <= THROTTLED_MS);
    const peakRss = Math.max(...samples.map((s) => s.rss));
    const maxAhead = Math.max(...throttled.map((s) => s.sent - s.toS3));
    const mb = (n: number): string => (n / 1e6).toFixed(0);
    process.stdout.write(
      `slow-S3 C-STORE of ${mb(instance.size)} MB: ${seconds.toFixed(1)} s in all; ` +
        `at ${((atLift?.ms ?? Number.NaN) / 1000).toFixed(1)} s S3 had ${mb(atLift?.toS3 ?? Number.NaN)} MB and the SCU had sent ${mb(atLift?.sent ?? Number.NaN)} MB; ` +
        `sender at most ${mb(maxAhead)} MB ahead of S3 while throttled; all sent at ${((sentAllAtMs ?? Number.NaN) / 1000).toFixed(1)} s; ` +
        `gateway peak RSS ${mb(peakRss)} MB over ${samples.length} samples\n`,
    );

    expect(status).toBe(Status.Success);
    // Issue 4: with S3 slowed down, RSS stays bounded. The 256 MiB instance may raise it by a
    // fraction only (S3 part buffers, socket buffers, heap growth), never by its own size.
    expect(peakRss - rssIdle).toBeLessThan(100 * 1e6);
    if (!atLift) throw new Error(`the C-STORE ended within ${THROTTLED_MS} ms, before the throttle lifted`);
    // Until the throttle lifted, S3 was the bottleneck: it took bytes at about the throttled rate,
    // and the SCU was still sending when the throttle lifted.
    const throttledBudget = THROTTLE_BYTES_PER_SECOND * (atLift.ms / 1000);
    expect(atLift.toS3).toBeLessThan(throttledBudget * 1.2 + MiB);
    expect(atLift.toS3).toBeGreaterThan(throttledBudget * 0.5);
    expect(sentAllAtMs).toBeGreaterThan(atLift.ms);
    // Backpressure reached the sender: it never got further ahead of S3 than the buffers in between
    // hold, so for 20 s the gateway's socket was read no faster than S3 took the bytes.
    expect(throttled.length).toBeGreaterThan(50);
    expect(maxAhead).toBeLessThan(MAX_AHEAD_BYTES);
    expect(atLift.sent).toBeLessThan(instance.size / 2);

    // The object is there whole, under the key the gateway derives from the UIDs, and no upload is left open.
    const key = `${PREFIX}/studies/${uids.studyInstanceUid}/series/${uids.seriesInstanceUid}/instances/${uids.sopInstanceUid}.dcm`;
    expect(await s3.objectKeys(BUCKET)).toEqual([key]);
    expect(await s3.openUploads(BUCKET)).toEqual([]);
    const objectFile = path.join(s3.directory, BUCKET, `${key}._S3rver_object`);
    const head = Buffer.alloc(4096);
    const fd = fs.openSync(objectFile, 'r');
    fs.readSync(fd, head, 0, head.length, 0);
    fs.closeSync(fd);
    const metaLength = readFileMetaInformation(head).dataSetOffset;
    expect(fs.statSync(objectFile).size).toBe(metaLength + instance.size);
    const dataSetHash = createHash('sha256');
    for await (const chunk of fs.createReadStream(objectFile, { start: metaLength, highWaterMark: 4 * MiB }) as AsyncIterable<Buffer>) {
      dataSetHash.update(chunk);
    }
    expect(dataSetHash.digest('hex')).toBe(instance.sha256());

    // A slow S3 is not a failure: nothing at error level or above (pino: error 50, fatal 60).
    expect(gateway.logRecords().filter((r) => typeof r['level'] === 'number' && r['level'] >= 50)).toEqual([]);
    // stderr holds only Node's warnings, of which the AWS SDK's notice about Node 20 is expected.
    const warnings = gateway.process.stderr().split(/^(?=\(node:\d+\) )/m).filter((w) => w.trim() !== '');
    expect(warnings.filter((w) => !w.includes('NodeVersionSupportWarning'))).toEqual([]);
  }, 150_000);
});
