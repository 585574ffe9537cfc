import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

export interface ConnectOptions {
  host: string;
  port: number;
  connectTimeoutMs: number;
  tls?: {
    caFile?: string;
    certFile?: string;
    keyFile?: string;
    /** Verify the peer's certificate against the CA (default true when a CA is given). */
    rejectUnauthorized?: boolean;
    servername?: string;
  };
}

/** Open a TCP (or TLS) connection with Nagle disabled; rejects after the connect timeout. */
export function connectSocket(options: ConnectOptions): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const t = options.tls;
    const socket: net.Socket = t
      ? tls.connect({
          host: options.host,
          port: options.port,
          ca: t.caFile ? readFileSync(t.caFile) : undefined,
          cert: t.certFile ? readFileSync(t.certFile) : undefined,
          key: t.keyFile ? readFileSync(t.keyFile) : undefined,
          rejectUnauthorized: t.rejectUnauthorized ?? Boolean(t.caFile),
          servername: t.servername ?? (net.isIP(options.host) ? undefined : options.host),
        })
      : net.connect({ host: options.host, port: options.port, noDelay: true });
    const readyEvent = t ? 'secureConnect' : 'connect';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connection to ${options.host}:${options.port} timed out after ${options.connectTimeoutMs} ms`));
    }, options.connectTimeoutMs);
    socket.once(readyEvent, () => {
      clearTimeout(timer);
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
