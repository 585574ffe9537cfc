import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  /** With a CA, peers must present a certificate it signed (mutual TLS, PS3.15 Annex B.1). */
  caFile?: string;
}

export interface ListenOptions {
  port: number;
  /** `::` listens on every IPv6 and IPv4 address. */
  host: string;
  /** The accept queue (listen backlog). */
  backlog: number;
  tls?: TlsFiles;
}

/** A TCP or TLS listener whose sockets have Nagle disabled; it knows its open connections. */
export class DicomListenerSocket {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly options: ListenOptions,
    onConnection: (socket: net.Socket) => void,
  ) {
    const accept = (socket: net.Socket): void => {
      socket.setNoDelay(true);
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      onConnection(socket);
    };
    if (options.tls) {
      const { certFile, keyFile, caFile } = options.tls;
      this.server = tls.createServer(
        {
          cert: readFileSync(certFile),
          key: readFileSync(keyFile),
          ca: caFile ? readFileSync(caFile) : undefined,
          requestCert: Boolean(caFile),
          rejectUnauthorized: Boolean(caFile),
          minVersion: 'TLSv1.2',
          noDelay: true,
        },
        accept,
      );
      // A failed TLS handshake must not take the listener down; the socket is already gone.
      this.server.on('tlsClientError', () => undefined);
    } else {
      this.server = net.createServer({ noDelay: true }, accept);
    }
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  listen(): Promise<net.AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ port: this.options.port, host: this.options.host, backlog: this.options.backlog }, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as net.AddressInfo);
      });
    });
  }

  /** Stop accepting; open connections are left to finish (close() stops listening at once). */
  stopAccepting(): void {
    if (this.server.listening) this.server.close();
  }

  destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }
}
