/**
 * Connections that never speak: thousands of TCP connections to the TLS port that send no
 * ClientHello, TLS sessions that never send an A-ASSOCIATE-RQ, and more connections than the
 * process's budget. ARTIM (PS3.8 §9.1.5) covers the TLS handshake and the first PDU together; the
 * gateway closes what is over its limits at once; C-ECHO keeps answering within a second on both
 * ports; the gateway's descriptors stay under its budget; and once the flood is gone its memory
 * returns to where it was.
 */
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN, VERIFICATION_SOP_CLASS } from '@dicom-router/dicom-network';
import { echoscu } from '../support/dcmtk';
import { startGateway, type GatewayHandle } from '../support/gateway';
import { dcmtkTlsClientArgs, makeTlsMaterial, type TlsMaterial } from '../support/tls';

const ARTIM_SECONDS = 3;
const ATTACK = 2000;
const BUDGET = ATTACK + 40;
const MiB = 1024 * 1024;

const production = {
  listeners: [
    {
      name: 'main',
      localAet: 'DICOM-ROUTER',
      remoteAets: ['ECHOSCU'],
      artimTimeoutSeconds: ARTIM_SECONDS,
      maxConnections: 4000,
      maxConnectionsPerPeer: 4000,
      // The flood arrives faster than one event loop accepts; a short queue would drop SYNs (1 s retries).
      acceptQueueSize: 4096,
    },
  ],
  associations: [
    {
      name: 'echo',
      callingAet: 'ECHOSCU',
      calledAet: 'DICOM-ROUTER',
      presentationContexts: [{ abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: [EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN] }],
    },
  ],
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface SilentConnection {
  socket: net.Socket;
  openedAt: number;
  /** performance.now() when the gateway closed it, once it did. */
  closedAt?: number;
}

/** Opens `count` TCP connections that send nothing, `batch` at a time. */
async function openSilent(port: number, count: number, batch = 200): Promise<SilentConnection[]> {
  const all: SilentConnection[] = [];
  for (let i = 0; i < count; i += batch) {
    const opened = await Promise.all(
      Array.from({ length: Math.min(batch, count - i) }, () => {
        const socket = net.connect({ host: '127.0.0.1', port });
        const connection: SilentConnection = { socket, openedAt: performance.now() };
        socket.on('error', () => undefined);
        socket.on('close', () => (connection.closedAt ??= performance.now()));
        return new Promise<SilentConnection>((resolve) => {
          socket.once('connect', () => resolve(connection));
          socket.once('close', () => resolve(connection));
        });
      }),
    );
    all.push(...opened);
  }
  return all;
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const openDescriptors = (pid: number): number => fs.readdirSync(`/proc/${pid}/fd`).length;

describe('silent connections and the connection budget', () => {
  let material: TlsMaterial;
  let gateway: GatewayHandle;

  beforeAll(async () => {
    material = await makeTlsMaterial();
    gateway = await startGateway({ production, tls: material, env: { DICOM_CONNECTION_BUDGET: String(BUDGET) } });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  /** C-ECHO through DCMTK on the plain or TLS port; resolves with how long it took. */
  async function timedEcho(port: 'plain' | 'tls'): Promise<number> {
    const started = performance.now();
    const result = await echoscu({
      port: port === 'tls' ? gateway.tlsPort! : gateway.dicomPort,
      callingAet: 'ECHOSCU',
      calledAet: 'DICOM-ROUTER',
      extraArgs: port === 'tls' ? dcmtkTlsClientArgs(material) : [],
    });
    expect(result.code).toBe(0);
    return performance.now() - started;
  }

  it(`closes ${ATTACK} silent TLS connections at ARTIM while C-ECHO answers within 1 s, under the descriptor budget, and gives the memory back`, async () => {
    // Warm up both ports, then take the baseline.
    await timedEcho('plain');
    await timedEcho('tls');
    await sleep(1000);
    const baselineRss = gateway.rssBytes();
    const baselineFds = openDescriptors(gateway.pid);

    const attackStarted = performance.now();
    const attack = await openSilent(gateway.tlsPort!, ATTACK);
    const attackOpened = performance.now();
    const heldDuringEcho = attack.filter((c) => c.closedAt === undefined).length;
    expect(heldDuringEcho).toBeGreaterThan(ATTACK * 0.95);

    const echoMs = [await timedEcho('tls'), await timedEcho('plain')];
    const peakFds = openDescriptors(gateway.pid);

    // Past the budget: closed on arrival, before any handshake.
    const overflow = await openSilent(gateway.tlsPort!, 100);
    await sleep(300);
    const refusedAtOnce = overflow.filter((c) => c.closedAt !== undefined && c.closedAt - c.openedAt < 300).length;
    const fdsAtBudget = openDescriptors(gateway.pid);

    await until(() => [...attack, ...overflow].every((c) => c.closedAt !== undefined), (ARTIM_SECONDS + 5) * 1000, 'the gateway to close every silent connection');
    const lifetimes = attack.map((c) => (c.closedAt as number) - c.openedAt);
    const longest = Math.max(...lifetimes);
    const allClosedAfter = performance.now() - attackOpened;

    for (const c of [...attack, ...overflow]) c.socket.destroy();
    await sleep(3000);
    const afterRss = gateway.rssBytes();
    process.stdout.write(
      `silent TLS connections: ${ATTACK} opened in ${Math.round(attackOpened - attackStarted)} ms (${heldDuringEcho} held), longest held ${Math.round(longest)} ms (ARTIM ${ARTIM_SECONDS} s), all closed ${Math.round(allClosedAfter)} ms after the flood; ` +
        `C-ECHO during it ${echoMs.map(Math.round).join(' / ')} ms (TLS / plain); ${refusedAtOnce} of 100 over the budget closed at once; ` +
        `descriptors ${baselineFds} → ${peakFds} (peak) → ${fdsAtBudget} (at budget ${BUDGET}); RSS ${Math.round(baselineRss / MiB)} → ${Math.round(afterRss / MiB)} MB\n`,
    );

    expect(Math.max(...echoMs)).toBeLessThan(1000);
    expect(longest).toBeLessThan(ARTIM_SECONDS * 1000 + 1500);
    expect(Math.min(...lifetimes)).toBeGreaterThan(ARTIM_SECONDS * 1000 - 500);
    expect(refusedAtOnce).toBeGreaterThanOrEqual(50);
    // Each connection is one descriptor; the rest of the process (storage, database, HTTP, logs) stays small.
    expect(fdsAtBudget).toBeLessThanOrEqual(BUDGET + baselineFds);
    expect(afterRss - baselineRss).toBeLessThan(50 * MiB);

    const metrics = await (await fetch(`http://127.0.0.1:${gateway.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/dicom_connections_refused_total\{listener="main",reason="budget-exhausted"\} \d+/);
    await gateway.waitForLog((r) => r.msg === 'connection refused: the process\'s connection budget (DICOM_CONNECTION_BUDGET) is used up');
    expect(await timedEcho('tls')).toBeLessThan(1000);
  });

  it('ARTIM counts from the TCP accept: a TLS session that never sends its A-ASSOCIATE-RQ is closed within ARTIM of connecting', async () => {
    const started = performance.now();
    const socket = tls.connect({
      host: '127.0.0.1',
      port: gateway.tlsPort!,
      ca: fs.readFileSync(material.caCert),
      cert: fs.readFileSync(material.clientCert),
      key: fs.readFileSync(material.clientKey),
      servername: 'localhost',
      checkServerIdentity: () => undefined,
    });
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    const handshakeMs = performance.now() - started;
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const heldMs = performance.now() - started;
    expect(handshakeMs).toBeLessThan(1000);
    expect(heldMs).toBeGreaterThan(ARTIM_SECONDS * 1000 - 500);
    expect(heldMs).toBeLessThan(ARTIM_SECONDS * 1000 + 1000);
  });

  it('a peer over its per-peer cap is closed at once on the plain port, while others are served', async () => {
    const capped = await startGateway({ production: { ...production, listeners: [{ ...production.listeners[0], maxConnectionsPerPeer: 5 }] } });
    try {
      const held = await openSilent(capped.dicomPort, 5);
      const extra = await openSilent(capped.dicomPort, 3);
      await sleep(300);
      expect(held.every((c) => c.closedAt === undefined)).toBe(true);
      expect(extra.every((c) => c.closedAt !== undefined)).toBe(true);
      await capped.waitForLog((r) => r.msg === 'connection refused: this peer address holds its maximum of open connections' && r.peer === '127.0.0.1');
      for (const c of held) c.socket.destroy();
      await sleep(200);
      const result = await echoscu({ port: capped.dicomPort, callingAet: 'ECHOSCU', calledAet: 'DICOM-ROUTER' });
      expect(result.code).toBe(0);
    } finally {
      await capped.stop();
    }
  });
});
