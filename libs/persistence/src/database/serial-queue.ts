import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Runs tasks one at a time in arrival order. PGlite is a single session, so two open transactions
 * would share one BEGIN/COMMIT (TOOLCHAIN.md): everything that writes goes through this queue.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();
  readonly #inside = new AsyncLocalStorage<true>();

  run<T>(task: () => Promise<T>): Promise<T> {
    // A task that waits for a later task would wait forever; fail loudly instead.
    if (this.#inside.getStore()) {
      return Promise.reject(new Error('nested database work on the embedded database would deadlock: pass the EntityManager down'));
    }
    const result = this.#tail.then(() => this.#inside.run(true, task));
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
