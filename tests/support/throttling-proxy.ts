import { connect, createServer, type Server, type Socket } from 'node:net';

/** Refill period of the token bucket: short enough that the rate is smooth at a few MB/s. */
const TICK_MS = 20;

interface Forwarded {
  client: Socket;
  upstream: Socket;
  /** Over budget: waits for the next refill. */
  throttled: boolean;
  /** The upstream socket's buffer is full: waits for its 'drain'. */
  blocked: boolean;
}

/**
 * A loopback TCP forwarder that limits the bytes it sends upstream to `bytesPerSecond`, shared by
 * all its connections (a slow S3 endpoint is slow for every part in flight). It never buffers:
 * over budget it pauses the client socket and resumes it on the next refill, so the client feels
 * the slowness as TCP backpressure, as it would from a slow server. Responses pass unthrottled.
 */
export class ThrottlingProxy {
  private server: Server | null = null;
  private readonly connections = new Set<Forwarded>();
  private rate: number | null;
  private tokens: number;
  private forwarded = 0;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly targetPort: number,
    private readonly targetHost: string,
    bytesPerSecond: number | null,
  ) {
    this.rate = bytesPerSecond;
    this.tokens = this.burst();
    this.timer = setInterval(() => this.refill(), TICK_MS);
    this.timer.unref();
  }

  /** Listens on a free loopback port and forwards to `targetPort`; `null` means no limit. */
  static async start(targetPort: number, bytesPerSecond: number | null, targetHost = '127.0.0.1'): Promise<ThrottlingProxy> {
    const proxy = new ThrottlingProxy(targetPort, targetHost, bytesPerSecond);
    const server = createServer((client) => proxy.forward(client));
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    proxy.server = server;
    return proxy;
  }

  get port(): number {
    return (this.server?.address() as { port: number } | null)?.port ?? 0;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Bytes sent upstream so far, over all connections (request lines, headers and bodies). */
  get bytesForwarded(): number {
    return this.forwarded;
  }

  /** Changes the limit from now on; `null` lifts it and releases every throttled client at once. */
  setRate(bytesPerSecond: number | null): void {
    this.rate = bytesPerSecond;
    this.tokens = this.burst();
    this.release();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const c of this.connections) {
      c.client.destroy();
      c.upstream.destroy();
    }
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private forward(client: Socket): void {
    const upstream = connect(this.targetPort, this.targetHost);
    const c: Forwarded = { client, upstream, throttled: false, blocked: false };
    this.connections.add(c);
    for (const socket of [client, upstream]) {
      socket.on('error', () => socket.destroy());
      socket.on('close', () => {
        this.connections.delete(c);
        client.destroy();
        upstream.destroy();
      });
    }
    upstream.pipe(client);
    client.on('data', (chunk: Buffer) => {
      this.forwarded += chunk.length;
      if (!upstream.write(chunk)) {
        c.blocked = true;
        client.pause();
        upstream.once('drain', () => {
          c.blocked = false;
          this.resumeIfFree(c);
        });
      }
      if (this.rate === null) return;
      // A chunk already read is sent whole; the debt delays the next read instead.
      this.tokens -= chunk.length;
      if (this.tokens <= 0) {
        c.throttled = true;
        client.pause();
      }
    });
  }

  private burst(): number {
    return this.rate === null ? 0 : (this.rate * TICK_MS) / 1000;
  }

  private refill(): void {
    if (this.rate === null) return;
    // Unused budget is not saved up beyond one tick: an idle pause must not allow a burst later.
    this.tokens = Math.min(this.tokens + this.burst(), this.burst());
    if (this.tokens > 0) this.release();
  }

  private release(): void {
    for (const c of this.connections) {
      if (!c.throttled) continue;
      c.throttled = false;
      this.resumeIfFree(c);
    }
  }

  private resumeIfFree(c: Forwarded): void {
    if (!c.throttled && !c.blocked && !c.client.destroyed) c.client.resume();
  }
}
