import { generateWorklistItems } from '@dicom-router/worklist';
import { Status } from '@dicom-router/dicom-network';
import { startGateway, type GatewayHandle } from '../support/gateway';
import { NATS_URL } from '../support/jetstream-events';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { MODALITY_WORKLIST_FIND, startWorklistProcess, type WorklistProcessHandle } from '../support/worklist';
import { connectWorklistScu, expectedStationDay, loadItems, LOAD_SCU, percentile, stationAndDateOf, stationDayIdentifier, timedFind } from '../support/worklist-load';

/**
 * The correctness half of tests/bench/bench-worklist.ts on a worklist small enough for CI: every
 * station + date query through gateway → NATS → worklist-process → PostgreSQL returns exactly the
 * items the generated data says it should. Latency is printed, not asserted (it is a benchmark).
 */
describe('Modality Worklist C-FIND over a generated worklist (small version of the benchmark)', () => {
  const items = generateWorklistItems({ count: 3000, today: '20261127', spreadDays: 30, stationsPerModality: 4, seed: 11 });
  let database: TestDatabase;
  let worklist: WorklistProcessHandle;
  let gateway: GatewayHandle;

  beforeAll(async () => {
    database = await createTestDatabase('wlload');
    worklist = await startWorklistProcess({ databaseUrl: database.url, natsUrl: NATS_URL });
    await loadItems(worklist, items);
    gateway = await startGateway({
      production: {
        listeners: [{ name: 'main', localAet: 'DICOM-ROUTER', remoteAets: [LOAD_SCU], maxAssociations: 10 }],
        associations: [{ name: 'load', callingAet: LOAD_SCU, calledAet: 'DICOM-ROUTER', presentationContexts: [{ abstractSyntax: MODALITY_WORKLIST_FIND, transferSyntaxes: ['1.2.840.10008.1.2.1'] }] }],
      },
      env: { NATS_URL },
    });
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await worklist?.stop();
    await database?.drop();
  });

  it('answers 100 station + date queries with exactly the expected items', async () => {
    const association = await connectWorklistScu(gateway.dicomPort, 'DICOM-ROUTER');
    const times: number[] = [];
    let total = 0;
    for (let i = 0; i < 100; i++) {
      const [station, date] = stationAndDateOf(items[(i * 37) % items.length]);
      const result = await timedFind(association, stationDayIdentifier(station, date));
      expect({ station, date, status: result.status, matches: result.matches }).toEqual({ station, date, status: Status.Success, matches: expectedStationDay(items, station, date) });
      times.push(result.ms);
      total += result.matches;
    }
    await association.release();
    times.sort((a, b) => a - b);
    expect(total).toBeGreaterThan(100);
    process.stdout.write(`worklist C-FIND over ${items.length} items: p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms\n`);
  });
});

/**
 * The all-in-one process of `npm start` (no NATS_URL, embedded database): worklist-process runs inside
 * the gateway, its REST API on the gateway's HTTP port, and C-FIND asks it in process.
 */
describe('Modality Worklist C-FIND on embedded defaults (worklist hosted in the gateway)', () => {
  const items = generateWorklistItems({ count: 200, today: '20261127', spreadDays: 5, stationsPerModality: 2, seed: 5 });
  const token = 'embedded-worklist-token-0123456789';
  let gateway: GatewayHandle;

  beforeAll(async () => {
    gateway = await startGateway({
      production: {
        listeners: [{ name: 'main', localAet: 'DICOM-ROUTER', remoteAets: [LOAD_SCU] }],
        associations: [{ name: 'load', callingAet: LOAD_SCU, calledAet: 'DICOM-ROUTER', presentationContexts: [{ abstractSyntax: MODALITY_WORKLIST_FIND, transferSyntaxes: ['1.2.840.10008.1.2.1'] }] }],
      },
      env: { API_TOKEN: token },
    });
    // The gateway's own HTTP port serves /api/v1/worklist/items here.
    const post = async (pathAndQuery: string, body: Buffer | string, contentType: string) => {
      const response = await fetch(`http://127.0.0.1:${gateway.httpPort}${pathAndQuery}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
        body,
      });
      return { status: response.status, json: (await response.json()) as unknown };
    };
    await loadItems({ post, process: gateway.process }, items);
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
  });

  it('answers station + date queries from the hosted worklist with exactly the expected items', async () => {
    const association = await connectWorklistScu(gateway.dicomPort, 'DICOM-ROUTER');
    let total = 0;
    for (let i = 0; i < 20; i++) {
      const [station, date] = stationAndDateOf(items[(i * 13) % items.length]);
      const result = await timedFind(association, stationDayIdentifier(station, date));
      expect({ station, date, status: result.status, matches: result.matches }).toEqual({ station, date, status: Status.Success, matches: expectedStationDay(items, station, date) });
      total += result.matches;
    }
    await association.release();
    expect(total).toBeGreaterThan(20);
    expect(gateway.logRecords().some((r) => r['msg'] === 'worklist queries: in-process worklist')).toBe(true);
  });
});
