import { randomUUID } from 'node:crypto';
import { COMMAND_SUBJECTS } from '@dicom-router/contracts';
import { decodeFindReply, encodeWire, FindStatus, type WorklistFinder, type WorklistFindMessage, type WorklistFindRequest } from '@dicom-router/worklist';
import { createInbox, type Msg, type NatsConnection } from '@nats-io/nats-core';

/** Matches in flight per query: enough to keep the socket busy, small enough to bound memory. */
const WINDOW = 64;

export interface NatsFinderTimeouts {
  /** Until the first reply: no worklist-process answering. */
  firstReplyMs: number;
  /** Between two replies: the answering replica went away. */
  idleMs: number;
}

/**
 * The find port over NATS (COMMAND_SUBJECTS.worklistFind): each reply is yielded as it arrives;
 * credit is granted as matches are consumed, and an abort sends cancel on the control subject.
 */
export class NatsWorklistFinder implements WorklistFinder {
  constructor(
    private readonly nc: NatsConnection,
    private readonly timeouts: NatsFinderTimeouts = { firstReplyMs: 5_000, idleMs: 30_000 },
  ) {}

  async *find(request: WorklistFindRequest, signal: AbortSignal): AsyncGenerator<WorklistFindMessage> {
    const queryId = randomUUID();
    const control = `${COMMAND_SUBJECTS.worklistFindControl}.${queryId}`;
    const inbox = new Inbox();
    const sub = this.nc.subscribe(createInbox(), { callback: (err, msg) => inbox.push(err, msg) });
    const onAbort = () => {
      this.nc.publish(control, encodeWire({ kind: 'cancel' }));
      inbox.wake();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      this.nc.publish(COMMAND_SUBJECTS.worklistFind, encodeWire({ v: 1, queryId, credit: WINDOW, ...request }), { reply: sub.getSubject() });
      let consumed = 0;
      let first = true;
      for (;;) {
        const msg = await inbox.next(first ? this.timeouts.firstReplyMs : this.timeouts.idleMs, signal);
        if (signal.aborted) return;
        if (msg === 'timeout') {
          yield { kind: 'done', status: FindStatus.UnableToProcess, matchCount: 0, errorComment: first ? 'the worklist service did not answer' : 'the worklist service stopped answering' };
          return;
        }
        // NATS answers a request nobody subscribes to with a 503 status message (no responders).
        if (msg.headers?.hasError) {
          const noResponders = msg.headers.code === 503;
          yield { kind: 'done', status: FindStatus.UnableToProcess, matchCount: 0, errorComment: noResponders ? 'the worklist service did not answer' : `NATS: ${msg.headers.description}` };
          return;
        }
        first = false;
        let reply: WorklistFindMessage;
        try {
          reply = decodeFindReply(msg.data);
        } catch {
          yield { kind: 'done', status: FindStatus.UnableToProcess, matchCount: 0, errorComment: 'the worklist service sent an unreadable reply' };
          return;
        }
        yield reply;
        if (reply.kind === 'done') return;
        // The consumer asked for the next message, so this match is on its way to the socket.
        if (++consumed >= WINDOW / 2) {
          this.nc.publish(control, encodeWire({ kind: 'credit', n: consumed }));
          consumed = 0;
        }
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      sub.unsubscribe();
    }
  }
}

/** Replies queued by the subscription callback, awaited one at a time with a timeout. */
class Inbox {
  private readonly queue: Msg[] = [];
  private error: Error | undefined;
  private waiter: (() => void) | undefined;

  push(err: Error | null, msg: Msg): void {
    if (err) this.error = err;
    else this.queue.push(msg);
    this.wake();
  }

  wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  async next(timeoutMs: number, signal: AbortSignal): Promise<Msg | 'timeout'> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      if (this.error) throw this.error;
      if (signal.aborted) return 'timeout';
      const left = deadline - Date.now();
      if (left <= 0) return 'timeout';
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.queue.shift()!;
  }
}
