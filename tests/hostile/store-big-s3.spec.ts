/**
 * A 1 GiB instance through S3 as deployed (s3rver on loopback, NATS JetStream, PostgreSQL): the
 * gateway's RSS stays below 200 MB whatever the instance size (DESIGN.md §6), and the object S3
 * holds is the one the stored event announces, byte for byte.
 *
 * s3rver runs in this process, so its own buffers never count against the gateway.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { readFileMetaInformation } from '@dicom-router/dicom-data';
import { DicomClient, Status } from '@dicom-router/dicom-network';
import { startGateway, type GatewayHandle } from '../support/gateway';
import { EventCollector, NATS_URL } from '../support/jetstream-events';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { stopAll } from '../support/processes';
import { S3RVER_CREDENTIALS, S3Server } from '../support/s3-server';
import { CT_IMAGE_STORAGE, EXPLICIT_VR_LITTLE_ENDIAN, largeCtDataSet } from '../support/store-bytes';

const MiB = 1024 * 1024;
const BUCKET = 'dicom';
const PREFIX = 'big';
const freshUid = (): string => `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString()}`;

describe('a 1 GiB instance streamed by our SCU, S3 storage', () => {
  let s3: S3Server;
  let database: TestDatabase;
  let gateway: GatewayHandle;
  let collector: EventCollector;

  beforeAll(async () => {
    s3 = await S3Server.start([BUCKET]);
    // PostgreSQL as deployed; the embedded database would count hundreds of MB against the gateway.
    database = await createTestDatabase();
    gateway = await startGateway({
      production: {
        listeners: [{ name: 'main', localAet: 'DICOM-ROUTER', remoteAets: ['BIG-S3-SCU'] }],
        associations: [
          {
            name: 'BIG-S3-SCU',
            callingAet: 'BIG-S3-SCU',
            calledAet: 'DICOM-ROUTER',
            presentationContexts: [{ abstractSyntax: CT_IMAGE_STORAGE, transferSyntaxes: [EXPLICIT_VR_LITTLE_ENDIAN] }],
          },
        ],
      },
      env: {
        STORAGE_LOCATION: `s3://${BUCKET}/${PREFIX}`,
        S3_ENDPOINT: s3.endpoint,
        S3_REGION: 'us-east-1',
        S3_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
        S3_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
        S3_FORCE_PATH_STYLE: 'true',
        DATABASE_URL: database.url,
        NATS_URL,
      },
    });
    collector = await EventCollector.start();
  });

  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
    await collector?.close();
    await s3?.stop();
    await stopAll();
  });

  it('stores it with the gateway RSS below 200 MB and announces the size and checksum S3 holds', async () => {
    const uids = { sopInstanceUid: freshUid(), studyInstanceUid: freshUid(), seriesInstanceUid: freshUid() };
    // 16384 × 32768 16-bit pixels: exactly 1 GiB of Pixel Data, generated while it is sent.
    const instance = largeCtDataSet(uids, 16384, 32768);
    expect(instance.size - 1024 * MiB).toBeLessThan(1024);

    const association = await DicomClient.connect({
      host: '127.0.0.1',
      port: gateway.dicomPort,
      connectTimeoutMs: 3000,
      callingAet: 'BIG-S3-SCU',
      calledAet: 'DICOM-ROUTER',
      dimseTimeoutMs: 80_000,
      implementation: { classUid: '2.25.100030543585475866236183110513822956206', versionName: 'BIG_S3_TEST' },
      presentationContexts: [{ abstractSyntax: CT_IMAGE_STORAGE, transferSyntaxes: [EXPLICIT_VR_LITTLE_ENDIAN] }],
    });
    const rssIdle = gateway.rssBytes();
    let peakRss = rssIdle;
    const sampler = setInterval(() => {
      try {
        peakRss = Math.max(peakRss, gateway.rssBytes());
      } catch {
        /* the gateway died: the status assertion below says so */
      }
    }, 50);
    let status: number;
    let seconds: number;
    try {
      const context = association.contextFor(CT_IMAGE_STORAGE, EXPLICIT_VR_LITTLE_ENDIAN);
      if (!context) throw new Error('the gateway did not accept CT Image Storage in Explicit VR Little Endian');
      const started = performance.now();
      const response = await association.request(
        context.id,
        {
          commandField: 'C-STORE-RQ',
          messageId: association.allocateMessageId(),
          affectedSopClassUid: CT_IMAGE_STORAGE,
          affectedSopInstanceUid: uids.sopInstanceUid,
          priority: 0,
          hasDataSet: true,
        },
        instance.stream(),
      );
      seconds = (performance.now() - started) / 1000;
      status = (response.command as { status: number }).status;
    } finally {
      clearInterval(sampler);
      await association.release();
    }
    const mb = (n: number): string => (n / 1e6).toFixed(0);
    process.stdout.write(
      `1 GiB C-STORE into S3: ${seconds.toFixed(1)} s, ${mb(instance.size / seconds)} MB/s, gateway RSS ${mb(rssIdle)} MB idle, ${mb(peakRss)} MB peak\n`,
    );
    expect(status).toBe(Status.Success);
    expect(peakRss).toBeLessThan(200 * 1e6);

    // The object under the key derived from the UIDs, whole, and no multipart upload left open.
    const key = `studies/${uids.studyInstanceUid}/series/${uids.seriesInstanceUid}/instances/${uids.sopInstanceUid}.dcm`;
    expect(await s3.objectKeys(BUCKET)).toEqual([`${PREFIX}/${key}`]);
    expect(await s3.openUploads(BUCKET)).toEqual([]);
    const objectFile = path.join(s3.directory, BUCKET, `${PREFIX}/${key}._S3rver_object`);
    const size = fs.statSync(objectFile).size;
    const head = Buffer.alloc(4096);
    const fd = fs.openSync(objectFile, 'r');
    fs.readSync(fd, head, 0, head.length, 0);
    fs.closeSync(fd);
    const metaLength = readFileMetaInformation(head).dataSetOffset;
    expect(size).toBe(metaLength + instance.size);
    // One pass: the hash of the whole object, and of the data set after the meta header.
    const whole = createHash('sha256');
    const dataSetHash = createHash('sha256');
    let offset = 0;
    for await (const chunk of fs.createReadStream(objectFile, { highWaterMark: 4 * MiB }) as AsyncIterable<Buffer>) {
      whole.update(chunk);
      const skip = Math.max(0, metaLength - offset);
      if (skip < chunk.length) dataSetHash.update(chunk.subarray(skip));
      offset += chunk.length;
    }
    expect(dataSetHash.digest('hex')).toBe(instance.sha256());

    const events = await collector.waitUntil((all) => all.some((e) => e.event.subject === uids.sopInstanceUid), 10_000, 'stored event of the 1 GiB instance');
    const stored = events.filter((e) => e.event.subject === uids.sopInstanceUid);
    expect(stored).toHaveLength(1);
    expect(stored[0].event.data.storage).toEqual({ location: 's3', key, size, sha256: whole.digest('hex') });
  }, 90_000);
});
