/**
 * Modality Worklist C-FIND over a large worklist (docs/architecture.md §6: 100,000 items, p95 under 100 ms):
 * the query a modality sends for its day (station AE title + date), through the whole path: an SCU
 * on loopback → gateway → NATS → worklist-process → PostgreSQL, and back as Pending responses.
 *
 * Run: npm run bench:worklist [-- --items 100000 --queries 300]   (tests/bench/run.sh)
 * Needs PostgreSQL and NATS (as the interop tests) and build output (`npm run build`).
 */
import { generateWorklistItems } from '@dicom-router/worklist';
import { startGateway } from '../support/gateway';
import { NATS_URL } from '../support/jetstream-events';
import { createTestDatabase } from '../support/postgres';
import { stopAll } from '../support/processes';
import { MODALITY_WORKLIST_FIND, startWorklistProcess } from '../support/worklist';
import { connectWorklistScu, expectedStationDay, loadItems, LOAD_SCU, percentile, stationDayIdentifier, timedFind } from '../support/worklist-load';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const itemCount = arg('items', 100_000);
  const queries = arg('queries', 300);
  const today = '20261127';
  const items = generateWorklistItems({ count: itemCount, today, spreadDays: 182, stationsPerModality: 8, seed: 42 });
  const database = await createTestDatabase('wlbench');
  try {
    const worklist = await startWorklistProcess({ databaseUrl: database.url, natsUrl: NATS_URL, worklist: { maxMatches: 1000 } });
    let started = Date.now();
    await loadItems(worklist, items);
    const loadSeconds = (Date.now() - started) / 1000;
    const gateway = await startGateway({
      production: {
        listeners: [{ name: 'main', localAet: 'DICOM-ROUTER', remoteAets: [LOAD_SCU], maxAssociations: 10 }],
        associations: [{ name: 'bench', callingAet: LOAD_SCU, calledAet: 'DICOM-ROUTER', presentationContexts: [{ abstractSyntax: MODALITY_WORKLIST_FIND, transferSyntaxes: ['1.2.840.10008.1.2.1'] }] }],
      },
      env: { NATS_URL },
    });
    const association = await connectWorklistScu(gateway.dicomPort, 'DICOM-ROUTER');
    const pairs = items.map((item) => {
      const step = (item['00400100'].Value as Array<Record<string, { Value?: unknown[] }>>)[0];
      return [String(step['00400001'].Value![0]), String(step['00400002'].Value![0])] as const;
    });
    const pick = (i: number) => pairs[(i * 7919) % pairs.length];
    for (let i = 0; i < 20; i++) await timedFind(association, stationDayIdentifier(...pick(i + queries)));
    const times: number[] = [];
    let matches = 0;
    let wrong = 0;
    started = Date.now();
    for (let i = 0; i < queries; i++) {
      const [station, date] = pick(i);
      const result = await timedFind(association, stationDayIdentifier(station, date));
      times.push(result.ms);
      matches += result.matches;
      if (result.status !== 0 || result.matches !== expectedStationDay(items, station, date)) wrong += 1;
    }
    await association.release();
    times.sort((a, b) => a - b);
    const row = (label: string, value: string) => process.stdout.write(`${label.padEnd(34)} ${value}\n`);
    process.stdout.write(`\nC-FIND MWL by station AE title + date, ${itemCount} items, ${queries} queries over one association\n`);
    row('items loaded via REST', `${itemCount} in ${loadSeconds.toFixed(1)} s`);
    row('matches per query (mean)', (matches / queries).toFixed(1));
    row('latency p50 / p95 / p99 / max (ms)', [50, 95, 99, 100].map((p) => percentile(times, p).toFixed(1)).join(' / '));
    row('queries with a wrong answer', String(wrong));
    row('target (docs/architecture.md §6)', `p95 < 100 ms: ${percentile(times, 95) < 100 ? 'met' : 'NOT met'}`);
  } finally {
    await stopAll();
    await database.drop();
  }
}

main().catch(async (err: unknown) => {
  process.stderr.write(`bench-worklist failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  await stopAll();
  process.exit(1);
});
