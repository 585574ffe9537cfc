import net from 'node:net';
import { ItemType, PDU_TYPE_NAMES, PduType, type Pdv } from './ul-bytes';

export * from './ul-bytes';

/**
 * A scripted raw-socket DICOM peer (in the spirit of pynetdicom's "parrot" test server, but as a
 * client): it connects, runs steps in order, and records everything the server sent back and when.
 * It never interprets or answers on its own, so it can do what no well-behaved SCU would.
 * A failed expectation ends the script; the transcript says which step failed and why.
 */

export type Step =
  | { kind: 'send'; bytes: Buffer }
  | { kind: 'sendSlowly'; bytes: Buffer; bytesPerSecond: number; maxMs: number }
  | { kind: 'expectPdu'; type?: number; withinMs: number }
  | { kind: 'expectClose'; withinMs: number }
  | { kind: 'expectSilence'; forMs: number }
  | { kind: 'wait'; ms: number }
  | { kind: 'end' }
  | { kind: 'reset' };

export const send = (bytes: Buffer): Step => ({ kind: 'send', bytes });
/** Dribble bytes out at a fixed rate; stops early after maxMs or when the server closes. */
export const sendSlowly = (bytes: Buffer, bytesPerSecond: number, maxMs: number): Step => ({ kind: 'sendSlowly', bytes, bytesPerSecond, maxMs });
/** The next unread PDU from the server must arrive within `withinMs` and, if `type` is given, be of that type. */
export const expectPdu = (type: number | undefined, withinMs: number): Step => ({ kind: 'expectPdu', type, withinMs });
/** The server must close the connection (FIN or RST) within `withinMs`; unread PDUs before the close are allowed. */
export const expectClose = (withinMs: number): Step => ({ kind: 'expectClose', withinMs });
/** The server must neither send a PDU nor close for `forMs`. */
export const expectSilence = (forMs: number): Step => ({ kind: 'expectSilence', forMs });
export const wait = (ms: number): Step => ({ kind: 'wait', ms });
/** Half-close our side (FIN), keep reading. */
export const endInput = (): Step => ({ kind: 'end' });
/** Abortive close (RST). */
export const reset = (): Step => ({ kind: 'reset' });

export interface ReceivedPdu {
  type: number;
  typeName: string;
  /** The PDU-length field (bytes after the 6-byte header). */
  length: number;
  /** Milliseconds since connect. */
  atMs: number;
  /** Whole PDU, header included. */
  bytes: Buffer;
  /** A-ABORT: PS3.8 Table 9-26. */
  abort?: { source: number; reason: number };
  /** A-ASSOCIATE-RJ: PS3.8 Table 9-21. */
  reject?: { result: number; source: number; reason: number };
  /** A-ASSOCIATE-AC: per-context results (PS3.8 Table 9-18) and the acceptor's maximum PDU length. */
  accept?: { contexts: { id: number; result: number; transferSyntax?: string }[]; maxPduLength?: number };
  /** P-DATA-TF: its PDVs. */
  pdvs?: Pdv[];
}

export interface StepRecord {
  index: number;
  description: string;
  startedAtMs: number;
  ok: boolean;
  detail?: string;
}

export interface Transcript {
  connected: boolean;
  pdus: ReceivedPdu[];
  /** The server ended the connection (FIN, or RST seen as ECONNRESET). */
  serverClosed: boolean;
  closeKind?: 'fin' | 'reset';
  closedAtMs?: number;
  socketError?: string;
  bytesSent: number;
  /** Bytes received after the last complete PDU (a truncated PDU at close). */
  trailingBytes: number;
  steps: StepRecord[];
  failures: string[];
  ok: boolean;
  /** Readable dump for assertion messages. */
  summary: string;
}

export interface ScriptedPeerOptions {
  host?: string;
  connectTimeoutMs?: number;
  /** A declared PDU length above this is recorded as a failure instead of being buffered. */
  maxAcceptedPduLength?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function decodePdu(bytes: Buffer, atMs: number): ReceivedPdu {
  const type = bytes[0];
  const pdu: ReceivedPdu = { type, typeName: PDU_TYPE_NAMES[type] ?? `unknown(0x${type.toString(16)})`, length: bytes.readUInt32BE(2), atMs, bytes };
  try {
    if (type === PduType.Abort && bytes.length >= 10) pdu.abort = { source: bytes[8], reason: bytes[9] };
    if (type === PduType.AssociateRj && bytes.length >= 10) pdu.reject = { result: bytes[7], source: bytes[8], reason: bytes[9] };
    if (type === PduType.AssociateAc) pdu.accept = decodeAccept(bytes);
    if (type === PduType.PData) pdu.pdvs = decodePdvs(bytes);
  } catch {
    // Malformed reply: keep the raw bytes, the test can look at them.
  }
  return pdu;
}

function decodeAccept(bytes: Buffer): NonNullable<ReceivedPdu['accept']> {
  const result: NonNullable<ReceivedPdu['accept']> = { contexts: [] };
  let offset = 6 + 68; // header + fixed fields of Table 9-17
  while (offset + 4 <= bytes.length) {
    const type = bytes[offset];
    const length = bytes.readUInt16BE(offset + 2);
    const value = bytes.subarray(offset + 4, offset + 4 + length);
    if (type === ItemType.PresentationContextAc) {
      const ts = value.length > 8 && value[4] === ItemType.TransferSyntax ? value.subarray(8, 8 + value.readUInt16BE(6)).toString('ascii') : undefined;
      result.contexts.push({ id: value[0], result: value[2], transferSyntax: ts });
    } else if (type === ItemType.UserInformation) {
      for (let sub = 0; sub + 4 <= value.length; ) {
        const subLength = value.readUInt16BE(sub + 2);
        if (value[sub] === ItemType.MaximumLength && subLength === 4) result.maxPduLength = value.readUInt32BE(sub + 4);
        sub += 4 + subLength;
      }
    }
    offset += 4 + length;
  }
  return result;
}

function decodePdvs(bytes: Buffer): Pdv[] {
  const pdvs: Pdv[] = [];
  for (let offset = 6; offset + 6 <= bytes.length; ) {
    const length = bytes.readUInt32BE(offset);
    const control = bytes[offset + 5];
    pdvs.push({ contextId: bytes[offset + 4], command: (control & 1) !== 0, last: (control & 2) !== 0, data: bytes.subarray(offset + 6, offset + 4 + length) });
    offset += 4 + length;
  }
  return pdvs;
}

function describeStep(step: Step): string {
  switch (step.kind) {
    case 'send':
      return `send ${step.bytes.length} bytes`;
    case 'sendSlowly':
      return `sendSlowly ${step.bytes.length} bytes at ${step.bytesPerSecond} B/s for at most ${step.maxMs} ms`;
    case 'expectPdu':
      return `expectPdu ${step.type === undefined ? 'any' : PDU_TYPE_NAMES[step.type] ?? step.type} within ${step.withinMs} ms`;
    case 'expectClose':
      return `expectClose within ${step.withinMs} ms`;
    case 'expectSilence':
      return `expectSilence for ${step.forMs} ms`;
    case 'wait':
      return `wait ${step.ms} ms`;
    case 'end':
      return 'end (FIN)';
    case 'reset':
      return 'reset (RST)';
  }
}

/** Connect to host:port, run the steps, return what happened. Never throws for server behaviour; only for bad arguments. */
export async function scriptedPeer(port: number, steps: readonly Step[], options: ScriptedPeerOptions = {}): Promise<Transcript> {
  const host = options.host ?? '127.0.0.1';
  const maxPdu = options.maxAcceptedPduLength ?? 64 * 1024 * 1024;
  const t: Transcript = { connected: false, pdus: [], serverClosed: false, bytesSent: 0, trailingBytes: 0, steps: [], failures: [], ok: false, summary: '' };
  const socket = new net.Socket();
  let start = performance.now();
  const now = () => Math.round(performance.now() - start);
  let buffer = Buffer.alloc(0);
  let cursor = 0; // next PDU an expectPdu step will consume
  let wake: (() => void) | undefined; // resolves whoever is waiting for news from the socket
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const markClosed = (kind: 'fin' | 'reset') => {
    if (t.serverClosed) return;
    t.serverClosed = true;
    t.closeKind = kind;
    t.closedAtMs = now();
    notify();
  };
  let weClosed = false;

  socket.setNoDelay(true);
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 6) {
      const length = buffer.readUInt32BE(2);
      if (length > maxPdu) {
        t.failures.push(`server announced a ${length}-byte PDU (type 0x${buffer[0].toString(16)}), above the ${maxPdu}-byte limit`);
        socket.destroy();
        break;
      }
      if (buffer.length < 6 + length) break;
      t.pdus.push(decodePdu(Buffer.from(buffer.subarray(0, 6 + length)), now()));
      buffer = buffer.subarray(6 + length);
    }
    t.trailingBytes = buffer.length;
    notify();
  });
  socket.on('end', () => markClosed('fin'));
  socket.on('error', (e: NodeJS.ErrnoException) => {
    t.socketError ??= e.code ?? e.message;
    if (!weClosed && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) markClosed('reset');
    notify();
  });
  socket.on('close', () => {
    if (t.connected && !weClosed) markClosed(t.closeKind ?? 'fin');
    notify();
  });

  /** Wait until `done()` holds or `ms` pass; returns whether done() held. */
  const waitFor = async (done: () => boolean, ms: number): Promise<boolean> => {
    const deadline = performance.now() + ms;
    while (!done()) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return true;
  };

  const write = (bytes: Buffer): boolean => {
    if (t.serverClosed || socket.destroyed) return false;
    socket.write(bytes);
    t.bytesSent += bytes.length;
    return true;
  };

  // Connect.
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const connectError = await new Promise<string | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(`connect to ${host}:${port} timed out after ${connectTimeoutMs} ms`), connectTimeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      resolve(`connect to ${host}:${port} failed: ${e.message}`);
    });
    socket.connect(port, host);
  });
  if (connectError) {
    socket.destroy();
    t.failures.push(connectError);
    return finish(t);
  }
  t.connected = true;
  start = performance.now();

  for (const [index, step] of steps.entries()) {
    const record: StepRecord = { index, description: describeStep(step), startedAtMs: now(), ok: true };
    t.steps.push(record);
    const fail = (detail: string) => {
      record.ok = false;
      record.detail = detail;
      t.failures.push(`step ${index} (${record.description}): ${detail}`);
    };
    switch (step.kind) {
      case 'send':
        if (!write(step.bytes)) fail(`server had already closed at ${t.closedAtMs} ms`);
        break;
      case 'sendSlowly': {
        // 10 writes a second at most; below 10 B/s, one byte per write.
        const tickMs = Math.max(100, 1000 / step.bytesPerSecond);
        const chunk = Math.max(1, Math.round((step.bytesPerSecond * tickMs) / 1000));
        const began = performance.now();
        let sent = 0;
        while (sent < step.bytes.length && performance.now() - began < step.maxMs && !t.serverClosed) {
          if (!write(step.bytes.subarray(sent, sent + chunk))) break;
          sent = Math.min(step.bytes.length, sent + chunk);
          if (sent < step.bytes.length) await waitFor(() => t.serverClosed, tickMs);
        }
        record.detail = `sent ${sent} of ${step.bytes.length} bytes${t.serverClosed ? `; server closed at ${t.closedAtMs} ms` : ''}`;
        break;
      }
      case 'expectPdu': {
        const arrived = await waitFor(() => t.pdus.length > cursor || t.serverClosed, step.withinMs);
        if (t.pdus.length > cursor) {
          const got = t.pdus[cursor++];
          record.detail = `got ${got.typeName} (${got.length} bytes) at ${got.atMs} ms`;
          if (step.type !== undefined && got.type !== step.type) {
            fail(`expected ${PDU_TYPE_NAMES[step.type] ?? step.type}, got ${got.typeName}${got.abort ? ` source ${got.abort.source} reason ${got.abort.reason}` : ''}`);
          }
        } else {
          fail(arrived ? `server closed (${t.closeKind}) at ${t.closedAtMs} ms without sending it` : 'nothing arrived in time');
        }
        break;
      }
      case 'expectClose':
        if (await waitFor(() => t.serverClosed, step.withinMs)) record.detail = `closed (${t.closeKind}) at ${t.closedAtMs} ms`;
        else fail('connection still open');
        break;
      case 'expectSilence': {
        const before = t.pdus.length;
        await waitFor(() => t.pdus.length > before || t.serverClosed, step.forMs);
        if (t.pdus.length > before) fail(`server sent ${t.pdus[before].typeName} at ${t.pdus[before].atMs} ms`);
        else if (t.serverClosed) fail(`server closed (${t.closeKind}) at ${t.closedAtMs} ms`);
        break;
      }
      case 'wait':
        await sleep(step.ms);
        break;
      case 'end':
        socket.end();
        break;
      case 'reset':
        weClosed = true;
        socket.resetAndDestroy();
        break;
    }
    if (!record.ok) break;
  }

  weClosed = true;
  socket.destroy();
  return finish(t);
}

function finish(t: Transcript): Transcript {
  t.ok = t.failures.length === 0;
  const lines = [
    `connected=${t.connected} sent=${t.bytesSent}B serverClosed=${t.serverClosed}${t.closeKind ? `(${t.closeKind} at ${t.closedAtMs} ms)` : ''}${t.socketError ? ` socketError=${t.socketError}` : ''}`,
    ...t.steps.map((s) => `  [${s.ok ? 'ok' : 'FAILED'}] @${s.startedAtMs}ms ${s.description}${s.detail ? ` -> ${s.detail}` : ''}`),
    ...t.pdus.map((p) => `  <- ${p.typeName} len=${p.length} @${p.atMs}ms${p.abort ? ` source=${p.abort.source} reason=${p.abort.reason}` : ''}${p.reject ? ` result=${p.reject.result} source=${p.reject.source} reason=${p.reject.reason}` : ''}`),
    ...t.failures.map((f) => `  FAILURE: ${f}`),
  ];
  t.summary = lines.join('\n');
  return t;
}
