/**
 * C-ECHO throughput, side by side for every SCU × SCP pair available:
 *   echo/s   C-ECHO round trips per second over ONE association (association set-up excluded)
 *   assoc/s  sequential associations per second, each: connect, associate, one echo, release
 * Baseline is DCMTK echoscu → DCMTK storescp; the ratio columns compare every row to it.
 *
 * Run: npm run bench [-- --echoes 2000 --associations 200 --rounds 3]   (tests/bench/run.sh)
 * Not part of the test run: numbers depend on the machine and what else it is doing.
 *
 * To add an implementation, append an ScuDriver or ScpProvider below; a driver or SCP that cannot
 * run throws and its rows show "n/a" with the reason.
 */
import { DicomClient, type ClientAssociation } from '@dicom-router/dicom-network';
import { Client, requests } from 'dcmjs-dimse';
import { dimseEcho } from '../support/dcmjs-dimse-client';
import { DCMTK_ENV, echoscu, requireTool, startStorescp } from '../support/dcmtk';
import { startGateway } from '../support/gateway';
import { stopAll } from '../support/processes';

const CALLING_AET = 'BENCH-SCU';
const CALLED_AET = 'BENCH-SCP';
const VERIFICATION = '1.2.840.10008.1.1';
const UNCOMPRESSED = ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2'];

interface Target {
  host: string;
  port: number;
  calledAet: string;
}

interface ScpProvider {
  name: string;
  start(): Promise<Target & { stop(): Promise<unknown> }>;
}

interface ScuDriver {
  name: string;
  /** Milliseconds spent on `n` echoes over one association, association set-up excluded. */
  echoes(target: Target, n: number): Promise<number>;
  /** Milliseconds for `k` sequential associations of one echo each. */
  associations(target: Target, k: number): Promise<number>;
  /** Shown under the table. */
  note?: string;
}

// ---------------------------------------------------------------- SCPs

const dcmtkStorescp: ScpProvider = {
  name: 'DCMTK storescp',
  start: async () => {
    const scp = await startStorescp({ aet: CALLED_AET, verbose: false, extraArgs: ['--ignore'] });
    return { host: '127.0.0.1', port: scp.port, calledAet: scp.aet, stop: () => scp.stop() };
  },
};

const gatewayScp: ScpProvider = {
  name: 'gateway (ours)',
  start: async () => {
    const gw = await startGateway({
      production: {
        listeners: [{ name: 'bench', localAet: CALLED_AET, remoteAets: [CALLING_AET], mode: 'async' }],
        associations: [
          {
            name: 'bench',
            callingAet: CALLING_AET,
            calledAet: CALLED_AET,
            presentationContexts: [{ abstractSyntax: VERIFICATION, transferSyntaxes: UNCOMPRESSED }],
          },
        ],
      },
      env: { LOG_LEVEL: 'warn' },
    });
    return { host: '127.0.0.1', port: gw.dicomPort, calledAet: CALLED_AET, stop: () => gw.stop() };
  },
};

// ---------------------------------------------------------------- SCUs

async function echoscuOk(target: Target, repeat: number): Promise<number> {
  const r = await echoscu({ port: target.port, host: target.host, callingAet: CALLING_AET, calledAet: target.calledAet, repeat, timeoutMs: 300_000 });
  if (r.code !== 0) throw new Error(`echoscu exited ${r.code}: ${r.stderr.slice(0, 300)}`);
  return r.durationMs;
}

/**
 * echoscu opens one association per process, and each process first loads DCMTK's data dictionary
 * (~40 ms here), so its assoc/s is mostly process start-up. Subtracting a run against a closed port
 * was tried and is not usable: a refused connection is not faster than a whole association there.
 */
const dcmtkEchoscu: ScuDriver = {
  name: 'DCMTK echoscu',
  note:
    `DCMTK echoscu (env ${Object.entries(DCMTK_ENV).map(([k, v]) => `${k}=${v}`).join(' ')}): echo/s = (n-1) / (t(--repeat n) - t(--repeat 1)); ` +
    'assoc/s includes one process start per association (DCMTK has no multi-association SCU tool), so it understates DCMTK.',
  echoes: async (target, n) => {
    requireTool('echoscu');
    const one = await echoscuOk(target, 1);
    const many = await echoscuOk(target, n);
    return ((many - one) * n) / (n - 1);
  },
  associations: async (target, k) => {
    const started = performance.now();
    for (let i = 0; i < k; i++) await echoscuOk(target, 1);
    return performance.now() - started;
  },
};

/** dcmjs-dimse runs a client's requests one after another on one association. */
function dcmjsEchoes(target: Target, n: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let acceptedAt = 0;
    let lastResponseAt = 0;
    let ok = 0;
    for (let i = 0; i < n; i++) {
      const request = new requests.CEchoRequest();
      request.on('response', (response) => {
        if (response.getStatus() === 0) ok++;
        lastResponseAt = performance.now();
      });
      client.addRequest(request);
    }
    client.on('associationAccepted', () => (acceptedAt = performance.now()));
    client.on('associationRejected', () => reject(new Error('association rejected')));
    client.on('networkError', (e: Error) => reject(e));
    client.on('closed', () => (ok === n ? resolve(lastResponseAt - acceptedAt) : reject(new Error(`${ok}/${n} echoes succeeded`))));
    client.send(target.host, target.port, CALLING_AET, target.calledAet);
  });
}

const dcmjsDimse: ScuDriver = {
  name: 'dcmjs-dimse',
  echoes: dcmjsEchoes,
  associations: async (target, k) => {
    const started = performance.now();
    for (let i = 0; i < k; i++) {
      const r = await dimseEcho({ host: target.host, port: target.port, callingAet: CALLING_AET, calledAet: target.calledAet });
      if (r.status !== 0) throw new Error(`C-ECHO status 0x${r.status.toString(16)}`);
    }
    return performance.now() - started;
  },
};

/** The product's SCU. run.sh loads it from build output: benchmarks measure what ships. */
async function ourAssociation(target: Target): Promise<ClientAssociation> {
  return DicomClient.connect({
    host: target.host,
    port: target.port,
    connectTimeoutMs: 10_000,
    callingAet: CALLING_AET,
    calledAet: target.calledAet,
    presentationContexts: [{ abstractSyntax: VERIFICATION, transferSyntaxes: UNCOMPRESSED }],
    implementation: { classUid: '2.25.174361250962372045326937045236012398114', versionName: 'BENCH' },
  });
}

async function ourEcho(association: ClientAssociation): Promise<void> {
  const { status } = await association.echo();
  if (status !== 0) throw new Error(`C-ECHO status 0x${status.toString(16)}`);
}

const ourClient: ScuDriver = {
  name: 'DicomClient (ours)',
  echoes: async (target, n) => {
    const association = await ourAssociation(target);
    try {
      const started = performance.now();
      for (let i = 0; i < n; i++) await ourEcho(association);
      return performance.now() - started;
    } finally {
      await association.release();
    }
  },
  associations: async (target, k) => {
    const started = performance.now();
    for (let i = 0; i < k; i++) {
      const association = await ourAssociation(target);
      await ourEcho(association);
      await association.release();
    }
    return performance.now() - started;
  },
};

const SCPS: ScpProvider[] = [dcmtkStorescp, gatewayScp];
const SCUS: ScuDriver[] = [dcmtkEchoscu, dcmjsDimse, ourClient];

// ---------------------------------------------------------------- measuring and reporting

interface Row {
  scu: string;
  scp: string;
  echoPerSec?: number;
  assocPerSec?: number;
  error?: string;
}

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** One line: an error's first line, plus the first error line of any process output it carries. */
function brief(e: unknown): string {
  const lines = String((e as Error)?.message ?? e).split('\n').map((l) => l.trim()).filter(Boolean);
  const cause = lines.slice(1).find((l) => /error/i.test(l));
  return cause ? `${lines[0]} ${cause}` : lines[0] ?? '';
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(scu: ScuDriver, target: Target, echoes: number, associations: number, rounds: number): Promise<Pick<Row, 'echoPerSec' | 'assocPerSec'>> {
  // One unmeasured warm-up of each kind: JIT, page cache, the SCP's first-connection costs.
  await scu.echoes(target, Math.min(echoes, 100));
  await scu.associations(target, Math.min(associations, 5));
  const echoRates: number[] = [];
  const assocRates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    echoRates.push((echoes * 1000) / (await scu.echoes(target, echoes)));
    assocRates.push((associations * 1000) / (await scu.associations(target, associations)));
  }
  return { echoPerSec: median(echoRates), assocPerSec: median(assocRates) };
}

function formatTable(rows: Row[]): string {
  const base = rows[0];
  const ratio = (v?: number, b?: number) => (v !== undefined && b ? `${(v / b).toPrecision(2)}x` : '');
  const num = (v?: number) => (v === undefined ? 'n/a' : v.toFixed(0));
  const header = ['SCU', 'SCP', 'echo/s (1 assoc)', 'vs base', 'assoc/s', 'vs base'];
  const body = rows.map((r) => [r.scu, r.scp, num(r.echoPerSec), ratio(r.echoPerSec, base.echoPerSec), num(r.assocPerSec), ratio(r.assocPerSec, base.assocPerSec)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const echoes = argValue('echoes', 2000);
  const associations = argValue('associations', 200);
  const rounds = argValue('rounds', 3);
  console.log(`C-ECHO benchmark: ${echoes} echoes per association, ${associations} associations, median of ${rounds} rounds\n`);
  const rows: Row[] = [];
  for (const scpProvider of SCPS) {
    let scp: Awaited<ReturnType<ScpProvider['start']>> | undefined;
    let scpError: string | undefined;
    try {
      scp = await scpProvider.start();
    } catch (e) {
      scpError = `SCP did not start: ${brief(e)}`;
    }
    for (const scu of SCUS) {
      const row: Row = { scu: scu.name, scp: scpProvider.name };
      rows.push(row);
      if (!scp) {
        row.error = scpError;
        continue;
      }
      process.stderr.write(`measuring ${scu.name} -> ${scpProvider.name} ...\n`);
      try {
        Object.assign(row, await measure(scu, scp, echoes, associations, rounds));
      } catch (e) {
        row.error = brief(e);
      }
    }
    await scp?.stop();
  }
  console.log(formatTable(rows));
  console.log('');
  for (const r of rows.filter((x) => x.error)) console.log(`n/a  ${r.scu} -> ${r.scp}: ${r.error}`);
  for (const scu of SCUS.filter((s) => s.note)) console.log(`note ${scu.note}`);
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => stopAll());
