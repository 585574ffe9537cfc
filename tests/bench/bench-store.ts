/**
 * C-STORE ingest, DCMTK storescu as the sender, side by side (docs/architecture.md §6):
 *   DCMTK storescp writing files   vs   the same storescp made to fsync each file before it answers
 *   (durable-fclose.c preloaded: the gateway's guarantee)   vs   the gateway on embedded defaults
 *   (filesystem storage, in-process bus)   [vs the gateway with S3 (s3rver) + NATS JetStream when --s3 is given]
 * Workloads: 1,000 × a 39 KB CT over one association (each copy its own SOP instance); 200 × 512 KB; one
 * 256 MB instance.
 * Reports seconds, the ratios to both storescps, and the SCP's peak RSS (sampled every 50 ms).
 *
 * Each workload is sent `--warm-up-rounds` (default 2) then `--rounds` times (default 3), each round its
 * own instances; the time reported is the median of the measured rounds, the steady state of a gateway
 * that has been running (V8 compiles its hot paths over the first few thousand instances). Every round's
 * time is printed, warm-up rounds first, so the cold figures stay in view.
 *
 * Run: npm run bench:store [-- --count 1000 --big-mb 256 --warm-up-rounds 2 --rounds 3 --s3 --data-dir /dev/shm]   (after npm run build)
 * Not part of the test run: numbers depend on the machine and what else it is doing.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { storescu, startStorescp } from '../support/dcmtk';
import { readRssBytes, startGateway } from '../support/gateway';
import { createTestDatabase } from '../support/postgres';
import { S3RVER_CREDENTIALS, s3Env, S3Server } from '../support/s3-server';
import { stopAll } from '../support/processes';
import { syntheticInstance } from '../support/part10-files';
import { readFileMetaInformation } from '@dicom-router/dicom-data';
import { tempDir } from '../support/tmp';
import { PYDICOM_TEST_FILES } from '../support/tools';
import { createStorageLocation, type StorageLocation } from '@dicom-router/storage';

/**
 * Where both SCPs write (storescp's files, the gateway's DATA_DIR): `--data-dir /dev/shm` puts them on
 * tmpfs, where fsync costs nothing, which leaves the software's own overhead. Default: the test scratch root.
 * Every scratch folder is removed when the bench ends: a default run writes several gigabytes.
 */
const DATA_DIR_ARG = process.argv.indexOf('--data-dir');
function scratch(prefix: string): string {
  let dir: string;
  if (DATA_DIR_ARG < 0) {
    dir = tempDir(prefix);
  } else {
    fs.mkdirSync(process.argv[DATA_DIR_ARG + 1], { recursive: true });
    dir = fs.mkdtempSync(path.join(process.argv[DATA_DIR_ARG + 1], `${prefix}-`));
  }
  scratchDirs.push(dir);
  return dir;
}
const scratchDirs: string[] = [];

/** Wide enough for the longest row name, "  file writer alone (no DICOM, no events)". */
const NAME_WIDTH = 42;
/** The column of ratios to the storescp that fsyncs each file. */
const DURABLE_RATIO_LABEL = 'vs DCMTK+fsync';

interface Scp {
  name: string;
  port: number;
  calledAet: string;
  pid: number;
  stop(): Promise<unknown>;
  /** The same storage, written by the bench itself: the floor the storage sets under this SCP. */
  alone?: { label: string; location: StorageLocation };
}

interface Workload {
  name: string;
  /** One set of files per round, each its own SOP instances: no round re-sends an earlier one. */
  rounds: string[][];
}

const argValue = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

function writeSynthetic(dir: string, name: string, pixelBytes: number): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, syntheticInstance({ pixelBytes }).file);
  return file;
}

/**
 * `count` copies of a Part-10 file, each its own SOP instance, as a modality sends a series: the
 * SOP Instance UID (data set and meta header) is rewritten in place with one of the same length, so
 * neither SCP overwrites an earlier object (storescp would also print a warning per overwrite).
 */
function distinctInstances(dir: string, source: string, count: number, first = 0): string[] {
  const original = fs.readFileSync(source);
  const uid = readFileMetaInformation(original).mediaStorageSopInstanceUid;
  const stem = uid.slice(0, uid.lastIndexOf('.') + 1);
  const digits = uid.length - stem.length;
  if (first + count > 9 * 10 ** (digits - 1)) throw new Error(`${source}: its SOP Instance UID leaves room for ${9 * 10 ** (digits - 1)} copies`);
  const from = Buffer.from(uid, 'latin1');
  return Array.from({ length: count }, (_, i) => {
    const copy = Buffer.from(original);
    const to = Buffer.from(stem + String(10 ** (digits - 1) + first + i), 'latin1');
    for (let at = copy.indexOf(from); at >= 0; at = copy.indexOf(from, at + to.length)) to.copy(copy, at);
    const file = path.join(dir, `${path.basename(source, '.dcm')}-${first + i}.dcm`);
    fs.writeFileSync(file, copy);
    return file;
  });
}

/** A big instance (its own SOP instance per call) written to disk in pieces, never held in memory whole. */
function writeBigSynthetic(dir: string, megabytes: number, copy = 0): string {
  const head = syntheticInstance({ pixelBytes: 0 });
  const file = path.join(dir, `big-${megabytes}mb-${copy}.dcm`);
  // The synthetic data set ends with an empty OW Pixel Data: rewrite its length, then append.
  const length = megabytes * 1024 * 1024;
  const bytes = Buffer.from(head.file);
  bytes.writeUInt32LE(length, bytes.length - 4);
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, bytes);
  const block = Buffer.alloc(1024 * 1024, 0x33);
  for (let i = 0; i < megabytes; i++) fs.writeSync(fd, block);
  fs.closeSync(fd);
  return file;
}

async function timeSend(scp: Scp, workload: { name: string; files: string[] }): Promise<{ seconds: number; peakRss: number }> {
  let peakRss = readRssBytes(scp.pid);
  const sampler = setInterval(() => {
    try {
      peakRss = Math.max(peakRss, readRssBytes(scp.pid));
    } catch {
      /* process gone: the send fails and says so */
    }
  }, 50);
  const started = performance.now();
  const result = await storescu({
    port: scp.port,
    callingAet: 'STORESCU',
    calledAet: scp.calledAet,
    files: workload.files,
    extraArgs: ['-R'],
    timeoutMs: 600_000,
  });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  if (result.code !== 0) throw new Error(`${workload.name} → ${scp.name}: storescu failed: ${result.stderr.slice(-500)}`);
  return { seconds, peakRss };
}

/**
 * Writes back what earlier rounds left dirty in the page cache (storescp never flushes its files),
 * so that no round pays the kernel's write-back of another round's, or another SCP's, data.
 */
function settleDisk(): void {
  execFileSync('sync');
}

/** Median seconds of the measured rounds of storescp as it ships, and of storescp fsyncing each file. */
interface Baselines {
  plain: number;
  durable: number;
}

/** One line of the table: median of the measured rounds, its ratios to both storescps, peak RSS, every round. */
function row(name: string, workload: string, times: number[], warmUps: number, baselines: Baselines, peakRss?: number): string {
  const seconds = median(times.slice(warmUps));
  const rss = peakRss === undefined ? ''.padStart(9) : `${(peakRss / 1048576).toFixed(0).padStart(6)} MB`;
  const ratio = (baseline: number): string => `${(seconds / baseline).toFixed(2).padStart(6)}x`;
  return `${name.padEnd(NAME_WIDTH)}  ${workload.padEnd(18)}  ${seconds.toFixed(2).padStart(8)} s  ${ratio(baselines.plain)}  ${ratio(baselines.durable).padStart(DURABLE_RATIO_LABEL.length)}  ${rss}  ${roundTimes(times, warmUps)}`;
}

function roundTimes(times: number[], warmUps: number): string {
  const seconds = (list: number[]): string => list.map((t) => t.toFixed(2)).join(' ');
  return warmUps > 0 ? `${seconds(times.slice(0, warmUps))} | ${seconds(times.slice(warmUps))}` : seconds(times);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** docs/architecture.md §6: 8 parallel associations should give at least 1.6× the throughput of one. */
async function parallelSpeedup(scp: Scp, files: string[], perAssociation: number, parallel: number): Promise<{ one: number; many: number }> {
  // Association k sends its own slice: no instance is sent twice, by one association or by two.
  const send = (k: number) =>
    storescu({ port: scp.port, callingAet: 'STORESCU', calledAet: scp.calledAet, files: files.slice(k * perAssociation, (k + 1) * perAssociation), extraArgs: ['-R'], timeoutMs: 600_000 });
  settleDisk();
  let started = performance.now();
  await send(0);
  const one = perAssociation / ((performance.now() - started) / 1000);
  settleDisk();
  started = performance.now();
  const results = await Promise.all(Array.from({ length: parallel }, (_, k) => send(k + 1)));
  if (results.some((r) => r.code !== 0)) throw new Error(`parallel storescu failed on ${scp.name}`);
  const many = (perAssociation * parallel) / ((performance.now() - started) / 1000);
  return { one, many };
}

async function startReference(): Promise<Scp> {
  const peer = await startStorescp({ aet: 'STORESCP', verbose: false, outputDir: scratch('bench-storescp') });
  return { name: 'DCMTK storescp (files)', port: peer.port, calledAet: 'STORESCP', pid: peer.process.pid, stop: () => peer.stop() };
}

/**
 * The same storescp with durable-fclose.c preloaded: each file fdatasynced and its directory fsynced
 * before the C-STORE-RSP, as the gateway does. Built with the machine's C compiler for this run.
 */
async function startDurableReference(): Promise<Scp> {
  const library = path.join(scratch('bench-durable-fclose'), 'durable-fclose.so');
  execFileSync('cc', ['-shared', '-fPIC', '-O2', '-o', library, path.join(__dirname, 'durable-fclose.c'), '-ldl']);
  const peer = await startStorescp({ aet: 'STORESCP', verbose: false, outputDir: scratch('bench-storescp-fsync'), env: { LD_PRELOAD: library } });
  return { name: 'DCMTK storescp (files, fsync each)', port: peer.port, calledAet: 'STORESCP', pid: peer.process.pid, stop: () => peer.stop() };
}

/** Embedded defaults: file storage and the in-process bus, as `npm start` runs. */
async function startOursOnFiles(): Promise<Scp> {
  const scp = await startOurs({}, 'gateway (ours): file + in-process bus');
  const alone = createStorageLocation(scratch('bench-file-alone'));
  return { ...scp, alone: { label: 'file writer alone (no DICOM, no events)', location: alone } };
}

async function startOurs(env: Record<string, string>, name: string): Promise<Scp> {
  const ct = '1.2.840.10008.5.1.4.1.1.2';
  const sc = '1.2.840.10008.5.1.4.1.1.7';
  const gateway = await startGateway({
    env: { LOG_LEVEL: 'warn', DATA_DIR: scratch('bench-gateway'), ...env },
    production: {
      listeners: [{ name: 'bench', localAet: 'DICOM-ROUTER', remoteAets: ['STORESCU'] }],
      associations: [
        {
          name: 'bench',
          callingAet: 'STORESCU',
          calledAet: 'DICOM-ROUTER',
          presentationContexts: [ct, sc].map((abstractSyntax) => ({ abstractSyntax, transferSyntaxes: ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2'] })),
        },
      ],
    },
  });
  return { name, port: gateway.dicomPort, calledAet: 'DICOM-ROUTER', pid: gateway.pid, stop: () => gateway.stop() };
}

/**
 * The floor a storage sets: the same bytes written straight through the gateway's storage adapter
 * (file: write, fdatasync, rename, directory fsync; S3: lib-storage into s3rver), one object after
 * another, no DICOM, no events. The files are read into memory before the clock starts and written in
 * 64 KiB pieces, as the gateway gets them from the socket, so the row counts the storage alone.
 */
async function timeStorageAlone(location: StorageLocation, files: string[], round: number): Promise<number> {
  let elapsed = 0;
  let n = 0;
  for (const file of files) {
    const bytes = fs.readFileSync(file);
    const pieces = Array.from({ length: Math.ceil(bytes.length / PIECE) }, (_, i) => bytes.subarray(i * PIECE, (i + 1) * PIECE));
    const started = performance.now();
    // Each round its own keys, as each round sends instances of its own: no object is replaced.
    const writer = location.createWriter(`bench/alone/${round}/${n++}.dcm`);
    await pipeline(Readable.from(pieces), writer.stream);
    await writer.commit();
    elapsed += performance.now() - started;
  }
  return elapsed / 1000;
}

/** The gateway's P-DATA values are at most its 64 KiB maximum PDU length. */
const PIECE = 64 * 1024;

/** The deployed shape: S3 (s3rver on loopback, in this process), NATS JetStream, PostgreSQL. */
async function startOursOnS3(): Promise<Scp> {
  const s3 = await S3Server.start(['bench']);
  const database = await createTestDatabase('bench');
  const alone = createStorageLocation('s3://bench/alone', {
    endpoint: s3.endpoint,
    region: 'us-east-1',
    accessKeyId: S3RVER_CREDENTIALS.accessKeyId,
    secretAccessKey: S3RVER_CREDENTIALS.secretAccessKey,
    forcePathStyle: true,
  });
  const scp = await startOurs(
    {
      ...s3Env(s3.endpoint, 's3://bench/router'),
      NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
      DATABASE_URL: database.url,
    },
    'gateway (ours): S3 + NATS + PostgreSQL',
  );
  return {
    ...scp,
    alone: { label: 'S3 writer alone (no DICOM, no events)', location: alone },
    stop: async () => {
      await scp.stop();
      await database.drop();
      await s3.stop();
    },
  };
}

async function main(): Promise<void> {
  const count = argValue('count', 1000);
  const smallCount = argValue('medium-count', 200);
  const bigMb = argValue('big-mb', 256);
  // The files sent stay on the test scratch root whatever --data-dir says: only the SCPs' side moves.
  const dir = tempDir('bench-store-data');
  scratchDirs.push(dir);
  const ct = path.join(PYDICOM_TEST_FILES, 'CT_small.dcm');
  const medium = writeSynthetic(dir, 'medium-512k.dcm', 512 * 1024);
  const warmUps = Math.max(0, argValue('warm-up-rounds', 2));
  const measured = Math.max(1, argValue('rounds', 3));
  const rounds = warmUps + measured;
  const each = <T>(make: (round: number) => T): T[] => Array.from({ length: rounds }, (_, round) => make(round));
  const workloads: Workload[] = [
    { name: `${count} × 39 KB CT`, rounds: each((round) => distinctInstances(dir, ct, count, round * count)) },
    { name: `${smallCount} × 512 KB`, rounds: each((round) => distinctInstances(dir, medium, smallCount, round * smallCount)) },
    { name: `1 × ${bigMb} MB`, rounds: each((round) => [writeBigSynthetic(dir, bigMb, round)]) },
  ];
  // The two references first, in this order: the ratios are computed against them.
  const setups: Array<() => Promise<Scp>> = [startReference, startDurableReference, startOursOnFiles];
  if (process.argv.includes('--s3')) setups.push(startOursOnS3);
  const rows: string[] = [];
  const parallelRows: string[] = [];
  const parallel = argValue('parallel', 8);
  // Fresh instances for the parallel runs, numbered after the 39 KB workload's.
  const perAssociation = Math.max(50, Math.floor(count / parallel));
  const parallelFiles = distinctInstances(dir, ct, perAssociation * (parallel + 1), rounds * count);
  const scps: Scp[] = [];
  try {
    for (const setup of setups) scps.push(await setup());
    for (const workload of workloads) {
      for (const scp of scps) await timeSend(scp, { name: 'warm-up', files: [ct] });
      const times = new Map<Scp, number[]>(scps.map((scp) => [scp, []]));
      const aloneTimes = new Map<Scp, number[]>(scps.map((scp) => [scp, []]));
      const peakRss = new Map<Scp, number>(scps.map((scp) => [scp, 0]));
      // Round by round, every SCP (and the storage it writes to) in turn: each one meets the disk in the
      // state the others leave it, rather than storescp a fresh disk and the gateway one still writing
      // back gigabytes.
      for (const [round, files] of workload.rounds.entries()) {
        for (const scp of scps) {
          settleDisk();
          const sent = await timeSend(scp, { name: workload.name, files });
          times.get(scp)?.push(sent.seconds);
          peakRss.set(scp, Math.max(peakRss.get(scp) ?? 0, sent.peakRss));
          if (scp.alone) {
            settleDisk();
            aloneTimes.get(scp)?.push(await timeStorageAlone(scp.alone.location, files, round));
          }
        }
      }
      const medianOf = (scp: Scp): number => median((times.get(scp) ?? []).slice(warmUps));
      const baselines = { plain: medianOf(scps[0]), durable: medianOf(scps[1]) };
      for (const scp of scps) {
        rows.push(row(scp.name, workload.name, times.get(scp) ?? [], warmUps, baselines, peakRss.get(scp)));
        if (scp.alone) rows.push(row(`  ${scp.alone.label}`, workload.name, aloneTimes.get(scp) ?? [], warmUps, baselines));
      }
    }
    for (const scp of scps) {
      const { one, many } = await parallelSpeedup(scp, parallelFiles, perAssociation, parallel);
      parallelRows.push(`${scp.name.padEnd(NAME_WIDTH)}  1 assoc ${one.toFixed(0).padStart(5)}/s  ${parallel} assocs ${many.toFixed(0).padStart(5)}/s  speed-up ${(many / one).toFixed(2)}x`);
    }
  } finally {
    for (const scp of scps) await scp.stop();
  }
  process.stdout.write(
    `\n${'SCP'.padEnd(NAME_WIDTH)}  ${'workload'.padEnd(18)}  ${'time'.padStart(10)}  ${'vs DCMTK'.padStart(7)}  ${DURABLE_RATIO_LABEL}  ${'peak RSS'.padStart(9)}  each round (s)\n`,
  );
  process.stdout.write(
    `${rows.join('\n')}\n\nstorescu and storescp run with TCP_NODELAY=1; time is the median of ${measured} rounds after ${warmUps} warm-up rounds (each round (s): warm-up | measured); ratios are time / each storescp's time (lower is better), "vs DCMTK+fsync" against the storescp that fsyncs each file.\n`,
  );
  process.stdout.write(`\n39 KB CT instances per second, one association vs ${parallel} in parallel:\n${parallelRows.join('\n')}\n`);
}

main()
  .catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopAll();
    for (const dir of scratchDirs) fs.rmSync(dir, { recursive: true, force: true });
  });
