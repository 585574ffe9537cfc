import { COMMAND_SUBJECTS } from '@dicom-router/contracts';
import type { Logger } from '@dicom-router/service-runtime';
import { decodeFindControl, decodeFindRequest, encodeWire, FindStatus, type WorklistFinder } from '@dicom-router/worklist';
import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';

export const FIND_QUEUE_GROUP = 'worklist-process';
/** How long a query waits for credit before it is given up (the gateway or its modality went away). */
const CREDIT_TIMEOUT_MS = 60_000;

/**
 * Answers worklist finds arriving over NATS: every match is published to the request's reply
 * subject as soon as it is made, within the credit the gateway grants; a cancel on the control
 * subject stops the query (PS3.4 C.4.1.3.1: C-CANCEL ends matching).
 */
export class FindResponder {
  private subscription: Subscription | undefined;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly finder: WorklistFinder,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.subscription = this.nc.subscribe(COMMAND_SUBJECTS.worklistFind, {
      queue: FIND_QUEUE_GROUP,
      callback: (err, msg) => {
        if (err) return this.logger.warn({ err: err.message }, 'worklist find subscription failed');
        const work = this.answer(msg).catch((e: unknown) => this.logger.error({ err: e }, 'worklist find failed'));
        this.running.add(work);
        void work.finally(() => this.running.delete(work));
      },
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.drain();
    await Promise.allSettled([...this.running]);
  }

  private async answer(msg: Msg): Promise<void> {
    if (!msg.reply) return;
    const reply = msg.reply;
    let request;
    try {
      request = decodeFindRequest(msg.data);
    } catch (err) {
      this.nc.publish(reply, encodeWire({ kind: 'done', status: FindStatus.UnableToProcess, matchCount: 0, errorComment: `bad find request: ${(err as Error).message}`.slice(0, 64) }));
      return;
    }
    const controller = new AbortController();
    const credit = new Credit(request.credit);
    const control = this.nc.subscribe(`${COMMAND_SUBJECTS.worklistFindControl}.${request.queryId}`, {
      callback: (err, m) => {
        if (err) return;
        try {
          const c = decodeFindControl(m.data);
          if (c.kind === 'cancel') {
            controller.abort(new Error('cancelled by the requester'));
            credit.release();
          } else credit.grant(c.n);
        } catch {
          /* a malformed control message changes nothing */
        }
      },
    });
    try {
      for await (const message of this.finder.find(request, controller.signal)) {
        if (message.kind === 'match') {
          if (!(await credit.take(controller.signal))) {
            if (!controller.signal.aborted) controller.abort(new Error('no credit within the timeout'));
            this.nc.publish(reply, encodeWire({ kind: 'done', status: FindStatus.Cancel, matchCount: 0 }));
            return;
          }
        }
        this.nc.publish(reply, encodeWire(message));
      }
    } catch (err) {
      this.logger.error({ err, queryId: request.queryId }, 'worklist find failed');
      this.nc.publish(reply, encodeWire({ kind: 'done', status: 0x0110, matchCount: 0, errorComment: 'worklist query failed; see the worklist-process log' }));
    } finally {
      control.unsubscribe();
    }
  }
}

/** Matches the requester still accepts; take() waits for a grant (or gives up on timeout/cancel). */
class Credit {
  private waiter: (() => void) | undefined;

  constructor(private available: number) {}

  grant(n: number): void {
    this.available += n;
    this.release();
  }

  release(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  async take(signal: AbortSignal): Promise<boolean> {
    const deadline = Date.now() + CREDIT_TIMEOUT_MS;
    while (this.available <= 0) {
      if (signal.aborted || Date.now() >= deadline) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    if (signal.aborted) return false;
    this.available -= 1;
    return true;
  }
}
