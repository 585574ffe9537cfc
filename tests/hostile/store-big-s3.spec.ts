/**
 * A 1 GiB instance through S3 as deployed (s3rver on loopback, NATS JetStream, PostgreSQL): the
 * gateway's RSS stays below 200 MB whatever the instance size (docs/architecture.md §6), and the object S3
 * holds is the one the stored event announces, byte for byte.
 *
 * s3rver runs in this process, so its own buffers never count against the gateway.
 */
import path from 'node:path';
import { Status } from '@dicom-router/dicom-network';
import { startGateway, type GatewayHandle } from '../support/gateway';
import { EventCollector, NATS_URL } from '../support/jetstream-events';
import { describeLargeStore, hashStoredObject, storeLargeInstance } from '../support/large-instance';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { stopAll } from '../support/processes';
import { s3Env, S3Server } from '../support/s3-server';
import { CT_IMAGE_STORAGE, EXPLICIT_VR_LITTLE_ENDIAN } from '../support/store-bytes';

const MiB = 1024 * 1024;
const BUCKET = 'dicom';
const PREFIX = 'big';

describe('a 1 GiB instance streamed by our SCU, S3 storage', () => {
  let s3: S3Server;
  let database: TestDatabase;
  let gateway: GatewayHandle;
  let collector: EventCollector;

  beforeAll(async () => {
    s3 = await S3Server.start([BUCKET]);
    // PostgreSQL as deployed (DATABASE_URL), not the embedded server of the all-in-one process.
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
      env: { ...s3Env(s3.endpoint, `s3://${BUCKET}/${PREFIX}`), DATABASE_URL: database.url, NATS_URL },
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
    const result = await storeLargeInstance(gateway, { callingAet: 'BIG-S3-SCU', dimseTimeoutMs: 80_000 });
    process.stdout.write(describeLargeStore('1 GiB C-STORE into S3', result));
    expect(result.dataSetSize - 1024 * MiB).toBeLessThan(1024);
    expect(result.status).toBe(Status.Success);
    expect(result.peakRss).toBeLessThan(200 * 1e6);

    // The object under the key derived from the UIDs, whole, and no multipart upload left open.
    const { uids } = result;
    const key = `studies/${uids.studyInstanceUid}/series/${uids.seriesInstanceUid}/instances/${uids.sopInstanceUid}.dcm`;
    expect(await s3.objectKeys(BUCKET)).toEqual([`${PREFIX}/${key}`]);
    expect(await s3.openUploads(BUCKET)).toEqual([]);
    const stored = await hashStoredObject(path.join(s3.directory, BUCKET, `${PREFIX}/${key}._S3rver_object`));
    expect(stored.size).toBe(stored.metaLength + result.dataSetSize);
    expect(stored.dataSetSha256).toBe(result.dataSetSha256);

    const events = await collector.waitUntil((all) => all.some((e) => e.event.subject === uids.sopInstanceUid), 10_000, 'stored event of the 1 GiB instance');
    const announced = events.filter((e) => e.event.subject === uids.sopInstanceUid);
    expect(announced).toHaveLength(1);
    expect(announced[0].event.data.storage).toEqual({ location: 's3', key, size: stored.size, sha256: stored.sha256 });
  }, 90_000);
});
