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
  /** Each forwarded pair, for stall() and resume(). */
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  private stalled = false;
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
      const pair = { client, upstream };
      this.pairs.add(pair);
      if (!this.stalled) forward(pair);
      client.on('close', () => {
        upstream.destroy();
        this.pairs.delete(pair);
      });
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
    this.server = server;
    this.boundPort = (server.address() as { port: number }).port;
    return this.boundPort;
  }

  /**
   * Stops forwarding without closing anything: connections stay open and every request goes
   * unanswered, as with a server that hangs or a network that drops packets.
   */
  stall(): void {
    this.stalled = true;
    for (const { client, upstream } of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  /** Forwards again after stall(), what was held back first. */
  resume(): void {
    this.stalled = false;
    for (const pair of this.pairs) forward(pair);
  }

  /**
   * Cuts every forwarded connection, dropping what a stall held back, and stops listening: the port
   * refuses connections. open() forwards again.
   */
  async close(): Promise<void> {
    this.stalled = false;
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function forward({ client, upstream }: { client: Socket; upstream: Socket }): void {
  client.pipe(upstream);
  upstream.pipe(client);
}

/** A port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
