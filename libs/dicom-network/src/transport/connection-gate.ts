/**
 * Admission of transport connections before any byte is read: a listener's own cap, a cap per peer
 * address, and one budget of file descriptors shared by every listener of the process. A connection
 * over any of them is closed at once (before the TLS handshake on a TLS port), so that silent or
 * hostile peers can hold at most a bounded number of sockets, and the process keeps descriptors for
 * its storage, database and HTTP long before the kernel would answer EMFILE.
 */

export type ConnectionRefusal = 'listener-full' | 'peer-full' | 'budget-exhausted';

/** Descriptors all DICOM connections of the process may hold together. */
export class ConnectionBudget {
  private used = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('connection budget must be a positive integer');
  }

  get inUse(): number {
    return this.used;
  }

  tryTake(): boolean {
    if (this.used >= this.limit) return false;
    this.used++;
    return true;
  }

  give(): void {
    this.used--;
  }
}

export interface ConnectionLimits {
  /** Open connections of the listener (plain and TLS ports together), associated or not. */
  maxConnections: number;
  /** Open connections from one peer address. */
  maxConnectionsPerPeer: number;
}

/** One listener's admission: its limits, and the process's budget. */
export class ConnectionGate {
  private open = 0;
  private readonly byPeer = new Map<string, number>();

  constructor(
    private readonly limits: ConnectionLimits,
    private readonly budget: ConnectionBudget,
  ) {}

  get openConnections(): number {
    return this.open;
  }

  /** Takes a place for a connection from `peerAddress`, or says why there is none. */
  admit(peerAddress: string): ConnectionRefusal | null {
    const fromPeer = this.byPeer.get(peerAddress) ?? 0;
    if (this.open >= this.limits.maxConnections) return 'listener-full';
    if (fromPeer >= this.limits.maxConnectionsPerPeer) return 'peer-full';
    if (!this.budget.tryTake()) return 'budget-exhausted';
    this.open++;
    this.byPeer.set(peerAddress, fromPeer + 1);
    return null;
  }

  /** Gives back the place of a connection `admit` let in. */
  release(peerAddress: string): void {
    this.open--;
    this.budget.give();
    const fromPeer = (this.byPeer.get(peerAddress) ?? 1) - 1;
    if (fromPeer > 0) this.byPeer.set(peerAddress, fromPeer);
    else this.byPeer.delete(peerAddress);
  }
}

/**
 * The default budget: half the process's soft limit of open files, less a reserve for everything
 * else (storage files, database and bus connections, HTTP), read from /proc/self/limits; at most 4096,
 * since each idle TLS connection also holds some 50-100 KB of memory.
 */
export function defaultConnectionBudget(limitsText: string | undefined): number {
  const match = limitsText ? /^Max open files\s+(\d+|unlimited)/m.exec(limitsText) : null;
  const soft = match && match[1] !== 'unlimited' ? Number(match[1]) : 1024;
  return Math.max(16, Math.min(4096, Math.floor((soft - 256) / 2)));
}
