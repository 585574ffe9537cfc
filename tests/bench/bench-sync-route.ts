/**
 * Synchronous routing, DCMTK storescu as the modality (docs/architecture.md §6 style, side by side, same run):
 *   storescu → DCMTK storescp --ignore                               (the destination alone)
 *   storescu → gateway sync listener → storescp --ignore            (embedded defaults: the router in process)
 *   storescu → the same gateway's async listener                     (the store path alone, for comparison)
 *   storescu → gateway → NATS → storage-router → storescp --ignore   (with --nats: separate processes, JetStream)
 * Workload: 1,000 × the 39 KB CT over one association (each C-STORE-RSP waits for storescp's).
 *
 * Run: npm run bench -- --script bench-sync-route.ts [--count 1000] [--nats]   (after npm run build)
 */
import path from 'node:path';
import { startStorescp, storescu, type StorescpPeer } from '../support/dcmtk';
import { startGateway, WORKSPACE_ROOT, type GatewayHandle } from '../support/gateway';
import { getFreePort } from '../support/ports';
import { spawnProcess, stopAll, waitForHttp } from '../support/processes';
import { tempDir } from '../support/tmp';
import { PYDICOM_TEST_FILES } from '../support/tools';

const CT_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.2';

const argValue = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

async function timeSend(port: number, calledAet: string, files: string[]): Promise<number> {
  const started = performance.now();
  const result = await storescu({ port, callingAet: 'STORESCU', calledAet, files, extraArgs: ['-R', '-v'], timeoutMs: 600_000 });
  const seconds = (performance.now() - started) / 1000;
  const successes = result.stdout.concat(result.stderr).split('\n').filter((l) => l.includes('Received Store Response (Success)')).length;
  if (result.code !== 0 || successes !== files.length) {
    throw new Error(`storescu → ${calledAet}: ${successes}/${files.length} succeeded: ${result.stderr.slice(-500)}`);
  }
  return seconds;
}

async function startSyncGateway(storescp: StorescpPeer, env: Record<string, string>): Promise<GatewayHandle> {
  return startGateway({
    env: { LOG_LEVEL: 'warn', ...env },
    production: {
      listeners: [
        { name: 'sync', localAet: 'DICOM-ROUTER', remoteAets: ['STORESCU'], mode: 'sync', target: 'to-pacs' },
        // The same ingest without routing, for the share of the store path in the sync time.
        { name: 'store-only', localAet: 'DICOM-ROUTER', remoteAets: ['STORESCU'] },
      ],
      destinations: [
        { name: 'pacs', host: '127.0.0.1', port: storescp.port, calledAet: 'STORESCP', callingAet: 'DICOM-ROUTER', maxAssociations: 1, idleTimeoutSeconds: 30 },
      ],
      routes: [{ name: 'to-pacs', condition: 'true', destinations: ['pacs'] }],
      associations: [
        {
          name: 'bench',
          callingAet: 'STORESCU',
          calledAet: 'DICOM-ROUTER',
          presentationContexts: [{ abstractSyntax: CT_SOP_CLASS, transferSyntaxes: ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2'] }],
        },
      ],
    },
  });
}

async function main(): Promise<void> {
  const count = argValue('count', 1000);
  const ct = path.join(PYDICOM_TEST_FILES, 'CT_small.dcm');
  const files: string[] = Array(count).fill(ct);
  // --ignore: storescp receives each data set and answers Success without writing it.
  const storescp = await startStorescp({ aet: 'STORESCP', verbose: false, extraArgs: ['--ignore'], outputDir: tempDir('bench-sync-storescp') });
  const rows: Array<[string, number]> = [];

  await timeSend(storescp.port, 'STORESCP', [ct]);
  rows.push(['storescu → storescp --ignore (direct)', await timeSend(storescp.port, 'STORESCP', files)]);

  const embedded = await startSyncGateway(storescp, {});
  try {
    await timeSend(embedded.dicomPort, 'DICOM-ROUTER', [ct]);
    rows.push(['storescu → gateway sync (router in process) → storescp', await timeSend(embedded.dicomPort, 'DICOM-ROUTER', files)]);
    const storeOnly = embedded.listenerPorts['store-only'];
    await timeSend(storeOnly, 'DICOM-ROUTER', [ct]);
    rows.push(['storescu → gateway async listener (store only, no routing)', await timeSend(storeOnly, 'DICOM-ROUTER', files)]);
  } finally {
    await embedded.stop();
  }

  if (process.argv.includes('--nats')) {
    const dir = tempDir('bench-sync-nats');
    const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
    const storage = `file://${path.join(dir, 'storage')}`;
    const gateway = await startSyncGateway(storescp, { NATS_URL: natsUrl, STORAGE_LOCATION: storage });
    const httpPort = await getFreePort();
    const router = spawnProcess(process.execPath, [path.join(WORKSPACE_ROOT, 'services', 'storage-router', 'dist', 'main.js')], {
      name: 'storage-router',
      env: { NATS_URL: natsUrl, STORAGE_LOCATION: storage, PRODUCTION_CONFIG: path.join(gateway.dir, 'production.yaml'), HTTP_PORT: String(httpPort), LOG_LEVEL: 'warn', DATA_DIR: dir },
    });
    try {
      await waitForHttp(`http://127.0.0.1:${httpPort}/health/ready`, { process: router, timeoutMs: 30_000 });
      await timeSend(gateway.dicomPort, 'DICOM-ROUTER', [ct]);
      rows.push(['storescu → gateway → NATS → storage-router → storescp', await timeSend(gateway.dicomPort, 'DICOM-ROUTER', files)]);
    } finally {
      await gateway.stop();
      await router.stop({ graceMs: 5000 });
    }
  }
  await storescp.stop();

  const direct = rows[0][1];
  process.stdout.write(`\n${count} × 39 KB CT over one association, each answered only after storescp answered:\n`);
  for (const [name, seconds] of rows) {
    process.stdout.write(`${name.padEnd(58)} ${seconds.toFixed(2).padStart(7)} s  ${(count / seconds).toFixed(0).padStart(5)}/s  ${(seconds / direct).toFixed(2).padStart(6)}x\n`);
  }
  process.stdout.write('\nstorescu and storescp run with TCP_NODELAY=1; ratios are time / the direct send (lower is better).\n');
}

main()
  .catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(() => stopAll());
