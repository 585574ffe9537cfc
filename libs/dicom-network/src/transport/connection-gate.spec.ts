import net from 'node:net';
import { ConnectionBudget, ConnectionGate, type ConnectionRefusal, defaultConnectionBudget } from './connection-gate';
import { DicomListenerSocket } from './server';

describe('ConnectionGate', () => {
  it('admits up to the listener cap, the per-peer cap and the shared budget, and gives places back', () => {
    const budget = new ConnectionBudget(5);
    const a = new ConnectionGate({ maxConnections: 3, maxConnectionsPerPeer: 2 }, budget);
    const b = new ConnectionGate({ maxConnections: 10, maxConnectionsPerPeer: 10 }, budget);

    expect([a.admit('10.0.0.1'), a.admit('10.0.0.1'), a.admit('10.0.0.1')]).toEqual([null, null, 'peer-full']);
    expect(a.admit('10.0.0.2')).toBeNull();
    expect(a.admit('10.0.0.3')).toBe('listener-full');
    expect([b.admit('10.0.0.9'), b.admit('10.0.0.9'), b.admit('10.0.0.9')]).toEqual([null, null, 'budget-exhausted']);
    expect(budget.inUse).toBe(5);

    a.release('10.0.0.1');
    expect(budget.inUse).toBe(4);
    expect(a.openConnections).toBe(2);
    expect(b.admit('10.0.0.9')).toBeNull();
    expect(a.admit('10.0.0.1')).toBe('budget-exhausted');
  });

  it('derives the default budget from the soft open-file limit, keeping a reserve', () => {
    const limits = (soft: string) => `Limit                     Soft Limit           Hard Limit           Units\nMax open files            ${soft}                20000                files\n`;
    expect(defaultConnectionBudget(limits('20000'))).toBe(4096);
    expect(defaultConnectionBudget(limits('1024'))).toBe(384);
    expect(defaultConnectionBudget(limits('unlimited'))).toBe(384);
    expect(defaultConnectionBudget(undefined)).toBe(384);
    expect(defaultConnectionBudget(limits('256'))).toBe(16);
  });
});

describe('DicomListenerSocket with a gate', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  let listener: DicomListenerSocket;
  let port: number;
  const refused: Array<{ address: string; refusal: ConnectionRefusal }> = [];
  const handed: net.Socket[] = [];
  const clients: net.Socket[] = [];

  beforeEach(async () => {
    refused.length = 0;
    handed.length = 0;
    listener = new DicomListenerSocket(
      {
        port: 0,
        host: '127.0.0.1',
        backlog: 16,
        artimMs: 5000,
        gate: new ConnectionGate({ maxConnections: 3, maxConnectionsPerPeer: 2 }, new ConnectionBudget(100)),
        onRefused: (peer, refusal) => refused.push({ address: peer.address, refusal }),
      },
      (socket) => handed.push(socket),
    );
    port = (await listener.listen()).port;
  });

  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy();
    listener.destroyAll();
    listener.stopAccepting();
  });

  /** A client socket from `localAddress` (any 127/8 address is this host) and whether the server closed it. */
  async function connect(localAddress: string): Promise<{ socket: net.Socket; closed: () => boolean }> {
    const socket = net.connect({ host: '127.0.0.1', port, localAddress });
    clients.push(socket);
    let closed = false;
    socket.on('close', () => (closed = true));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return { socket, closed: () => closed };
  }

  it('closes a connection over the per-peer cap at once, and admits other peers and later connections', async () => {
    const first = await connect('127.0.0.1');
    await connect('127.0.0.1');
    const third = await connect('127.0.0.1');
    const other = await connect('127.0.0.2');
    await sleep(100);
    expect(third.closed()).toBe(true);
    expect(other.closed()).toBe(false);
    expect(handed).toHaveLength(3);
    expect(refused).toEqual([{ address: '127.0.0.1', refusal: 'peer-full' }]);

    const fourth = await connect('127.0.0.3');
    await sleep(100);
    expect(fourth.closed()).toBe(true);
    expect(refused.at(-1)).toEqual({ address: '127.0.0.3', refusal: 'listener-full' });

    first.socket.destroy();
    await sleep(100);
    const again = await connect('127.0.0.1');
    await sleep(100);
    expect(again.closed()).toBe(false);
    expect(handed).toHaveLength(4);
  });
});
