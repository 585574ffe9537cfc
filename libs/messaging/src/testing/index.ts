/**
 * Test support, a separate entry point (`@dicom-router/messaging/testing`) that only specs and test
 * harnesses import.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP forwarder in front of a real server (NATS, S3): closing it makes that server
 * unreachable for the one client pointed at it (connections cut, port refused) without stopping
 * the server; reopening on the same port brings it back.
 */
export class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;

  constructor(
    private readonly targetPort: number,
    private readonly targetHost = '127.0.0.1',
  ) {}

  get port(): number {
    return this.boundPort;
  }

  /** Client connections currently forwarded. */
  get connections(): number {
    let n = 0;
    for (const s of this.sockets) if ((s as Socket & { isClient?: boolean }).isClient) n++;
    return n;
  }

  /** Listens on `port` (0 = any free one the first time, the same one again after close()). */
  async open(port = this.boundPort): Promise<number> {
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, this.targetHost);
      (client as Socket & { isClient?: boolean }).isClient = true;
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
    this.server = server;
    this.boundPort = (server.address() as { port: number }).port;
    return this.boundPort;
  }

  /** Cuts every forwarded connection and stops listening: the port refuses connections. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
