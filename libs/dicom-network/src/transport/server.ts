import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import type { ConnectionGate, ConnectionRefusal } from './connection-gate';

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
  /**
   * PS3.8 §9.1.5 ARTIM: on a TLS port the handshake must also finish within it, and the association
   * request must follow within what is left (see `onConnection`'s `acceptedAt`).
   */
  artimMs: number;
  /** Admission before the first byte; absent admits every connection. */
  gate?: ConnectionGate;
  /** Told of each connection the gate closed. */
  onRefused?: (peer: { address: string; port: number }, refusal: ConnectionRefusal) => void;
}

/** A connection handed over: `acceptedAt` is when TCP accepted it (performance.now()), before any TLS handshake. */
export type ConnectionHandler = (socket: net.Socket, acceptedAt: number) => void;

/** A TCP or TLS listener whose sockets have Nagle disabled; it knows its open connections. */
export class DicomListenerSocket {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly options: ListenOptions,
    onConnection: ConnectionHandler,
  ) {
    const accept = (socket: net.Socket, acceptedAt: number): void => {
      socket.setNoDelay(true);
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      onConnection(socket, acceptedAt);
    };
    if (options.tls) {
      const { certFile, keyFile, caFile } = options.tls;
      /** Accept times of connections in their handshake, by peer address and port. */
      const handshaking = new Map<string, number>();
      const peerKey = (socket: net.Socket): string => `${socket.remoteAddress}|${socket.remotePort}`;
      this.server = tls.createServer(
        {
          cert: readFileSync(certFile),
          key: readFileSync(keyFile),
          ca: caFile ? readFileSync(caFile) : undefined,
          requestCert: Boolean(caFile),
          rejectUnauthorized: Boolean(caFile),
          minVersion: 'TLSv1.2',
          noDelay: true,
          // Node's default is 120 s: silent peers would hold their sockets four times ARTIM's default.
          handshakeTimeout: options.artimMs,
        },
        (socket) => {
          const key = peerKey(socket);
          const acceptedAt = handshaking.get(key) ?? performance.now();
          handshaking.delete(key);
          accept(socket, acceptedAt);
        },
      );
      // Before tls.Server's own listener: a refused connection never starts a handshake.
      this.server.prependListener('connection', (raw: net.Socket) => {
        if (!this.admit(raw)) return;
        const key = peerKey(raw);
        handshaking.set(key, performance.now());
        raw.once('close', () => handshaking.delete(key));
      });
      // A failed or timed-out handshake must not take the listener down. With a listener here Node
      // leaves the socket open (it destroys it only when nobody listens): close it.
      this.server.on('tlsClientError', (_error, socket) => socket.destroy());
    } else {
      this.server = net.createServer({ noDelay: true }, (socket) => {
        if (this.admit(socket)) accept(socket, performance.now());
      });
    }
  }

  /** The gate's verdict on a new transport connection; a refused one is destroyed here. */
  private admit(socket: net.Socket): boolean {
    const gate = this.options.gate;
    if (!gate) return true;
    const address = peerAddress(socket);
    const refusal = gate.admit(address);
    if (refusal) {
      socket.destroy();
      this.options.onRefused?.({ address, port: socket.remotePort ?? 0 }, refusal);
      return false;
    }
    socket.once('close', () => gate.release(address));
    return true;
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

/** The peer's IP address; an IPv4 peer of a dual-stack (`::`) listener without its `::ffff:` prefix. */
function peerAddress(socket: net.Socket): string {
  const address = socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
}
