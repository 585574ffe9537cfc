/**
 * Soak: C-STOREs without pause on several associations for a while, against the all-in-one gateway on
 * embedded defaults (or, with --s3, the gateway on S3 + NATS JetStream + PostgreSQL), sampling the
 * gateway's RSS, open file descriptors and every store's latency (C-STORE-RQ sent → RSP received).
 *
 * Prints one line a minute, then: RSS at start and end, the RSS slope over the second half (MB per
 * minute, least squares: the first half holds V8's and the database's warm-up), the largest fd count,
 * the p50/p99/max store latency, instances stored and answered per second. A failed store stops it.
 *
 * Run: bash tests/bench/run.sh --script soak.ts [-- --minutes 30 --associations 4 --s3]   (after npm run build)
 * Not a test: bounded in time, loopback only, numbers depend on the machine.
 */
import fs from 'node:fs';
import { Status } from '@dicom-router/dicom-network';
import { freshCtUids, MODALITY_ASSOCIATION, openModalityAssociation, storeCt } from '../faults/modality';
import { startGateway, type GatewayHandle } from '../support/gateway';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { NATS_URL } from '../support/jetstream-events';
import { stopAll } from '../support/processes';
import { s3Env, S3Server } from '../support/s3-server';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
}
const MINUTES = option('minutes', 30);
const ASSOCIATIONS = option('associations', 4);
const WITH_S3 = process.argv.includes('--s3');
const SAMPLE_MS = 10_000;
const MiB = 1024 * 1024;

interface Sample {
  atMs: number;
  rssBytes: number;
  fds: number;
  stored: number;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

async function main(): Promise<void> {
  let s3: S3Server | undefined;
  let database: TestDatabase | undefined;
  let env: Record<string, string> = {};
  if (WITH_S3) {
    s3 = await S3Server.start(['soak']);
    database = await createTestDatabase();
    env = { ...s3Env(s3.endpoint, 's3://soak/objects'), NATS_URL, DATABASE_URL: database.url };
  }
  const gateway: GatewayHandle = await startGateway({
    production: { listeners: [{ name: 'main', localAet: 'DICOM-ROUTER', remoteAets: ['MODALITY'] }], associations: [MODALITY_ASSOCIATION] },
    env: { LOG_LEVEL: 'warn', ...env },
  });
  const latenciesMs: number[] = [];
  const samples: Sample[] = [];
  const started = Date.now();
  const deadline = started + MINUTES * 60_000;
  let stored = 0;
  const sample = (): void => {
    samples.push({ atMs: Date.now() - started, rssBytes: gateway.rssBytes(), fds: fs.readdirSync(`/proc/${gateway.pid}/fd`).length, stored });
  };
  sample();
  const sampler = setInterval(() => {
    sample();
    const last = samples[samples.length - 1];
    if (samples.length % (60_000 / SAMPLE_MS) === 1) {
      process.stdout.write(`${(last.atMs / 60_000).toFixed(1)} min: ${last.stored} stored, RSS ${(last.rssBytes / MiB).toFixed(0)} MB, ${last.fds} fds\n`);
    }
  }, SAMPLE_MS);

  const sender = async (): Promise<void> => {
    while (Date.now() < deadline) {
      const association = await openModalityAssociation(gateway.dicomPort);
      try {
        // A modality's study: a few hundred instances per association, then the next one.
        for (let i = 0; i < 500 && Date.now() < deadline; i++) {
          const t0 = performance.now();
          const { status, errorComment } = await storeCt(association, freshCtUids(), 128);
          latenciesMs.push(performance.now() - t0);
          if (status !== Status.Success) throw new Error(`store answered ${status.toString(16)}: ${errorComment}`);
          stored++;
        }
      } finally {
        await association.release();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: ASSOCIATIONS }, sender));
  } finally {
    clearInterval(sampler);
    sample();
    await gateway.stop();
    await s3?.stop();
    await database?.drop();
    await stopAll();
  }

  const seconds = (Date.now() - started) / 1000;
  const sorted = Float64Array.from(latenciesMs).sort();
  const secondHalf = samples.filter((s) => s.atMs >= (samples[samples.length - 1].atMs / 2));
  const rssSlope = slope(secondHalf.map((s) => [s.atMs / 60_000, s.rssBytes / MiB]));
  const first = samples[0];
  const last = samples[samples.length - 1];
  process.stdout.write(
    [
      `soak: ${MINUTES} min, ${ASSOCIATIONS} associations, ${WITH_S3 ? 'S3 + NATS + PostgreSQL' : 'embedded defaults'}`,
      `  stored ${stored} instances (${(stored / seconds).toFixed(0)}/s)`,
      `  RSS ${(first.rssBytes / MiB).toFixed(0)} → ${(last.rssBytes / MiB).toFixed(0)} MB; slope over the second half ${rssSlope.toFixed(2)} MB/min`,
      `  file descriptors: at most ${Math.max(...samples.map((s) => s.fds))} (start ${first.fds}, end ${last.fds})`,
      `  store latency: p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p99 ${percentile(sorted, 0.99).toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`,
    ].join('\n') + '\n',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
