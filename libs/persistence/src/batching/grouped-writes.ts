/**
 * Group commit for single-statement writes: while one statement is being written, the items that
 * arrive meanwhile (other associations storing at the same time) wait and go together in the next
 * one, each resolving once its statement committed. A lone item is written at once.
 */
export class GroupedWrites<T> {
  #waiting: Array<{ item: T; resolve: () => void; reject: (error: unknown) => void }> = [];
  #writing = false;

  /** `write` commits a whole group in one statement, atomically; at most `maxGroup` items each. */
  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly maxGroup: number,
  ) {}

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#waiting.push({ item, resolve, reject });
      if (!this.#writing) void this.writeWaiting();
    });
  }

  private async writeWaiting(): Promise<void> {
    this.#writing = true;
    while (this.#waiting.length > 0) {
      const group = this.#waiting.splice(0, this.maxGroup);
      try {
        await this.write(group.map((waiting) => waiting.item));
        for (const waiting of group) waiting.resolve();
      } catch (error) {
        for (const waiting of group) waiting.reject(error);
      }
    }
    this.#writing = false;
  }
}
