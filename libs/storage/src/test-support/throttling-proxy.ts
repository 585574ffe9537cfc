import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on loopback that forwards client → server at a fixed rate: a slow S3 endpoint.
 * `received` counts the bytes that left the client process (read by the proxy before throttling).
 */
export class ThrottlingProxy {
  received = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(target: { host: string; port: number }, bytesPerSecond: number): Promise<ThrottlingProxy> {
    const server = createServer();
    const proxy = new ThrottlingProxy(server);
    server.on('connection', (client) => proxy.relay(client, target, bytesPerSecond));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket, target: { host: string; port: number }, bytesPerSecond: number): void {
    const upstream = connect(target.port, target.host);
    this.sockets.add(client).add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    upstream.pipe(client);
    client.on('end', () => upstream.end());
    client.on('data', (chunk: Buffer) => {
      this.received += chunk.length;
      client.pause();
      upstream.write(chunk);
      setTimeout(() => client.resume(), (chunk.length / bytesPerSecond) * 1000);
    });
  }
}
