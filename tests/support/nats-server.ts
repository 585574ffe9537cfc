import fs from 'node:fs';
import path from 'node:path';
import { getFreePort } from './ports';
import { spawnProcess, waitForPort, type ManagedProcess } from './processes';
import { requireTool } from './tools';
import { tempDir } from './tmp';

/**
 * A NATS server with JetStream of the test's own (Debian `nats-server`), for suites whose core NATS
 * subjects (negotiation requests, registry notices) must not be answered by anybody else's process
 * on the shared server.
 */
export interface NatsServerHandle {
  url: string;
  port: number;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export async function startNatsServer(): Promise<NatsServerHandle> {
  const binary = requireTool('nats-server');
  const port = await getFreePort();
  const storeDir = path.join(tempDir('nats'), 'jetstream');
  fs.mkdirSync(storeDir, { recursive: true });
  const proc = spawnProcess(binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { name: `nats-server(${port})` });
  try {
    await waitForPort(port, { process: proc, timeoutMs: 10_000 });
  } catch (e) {
    await proc.stop({ graceMs: 1000 });
    throw e;
  }
  return { url: `nats://127.0.0.1:${port}`, port, process: proc, stop: async () => void (await proc.stop({ graceMs: 5000 })) };
}
