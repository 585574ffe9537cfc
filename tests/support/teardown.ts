/**
 * In-process servers a spec file started (s3rver, a dcmjs-dimse SCP), closed once more after the
 * file's own afterAll by jest-teardown.ts. Closers must be safe to call after the spec closed them.
 */
const closers = new Set<() => Promise<void> | void>();

/** Registers `close` to run after the current spec file, whether or not its setup completed. */
export function closeAfterFile(close: () => Promise<void> | void): void {
  closers.add(close);
}

/** Runs and forgets every registered closer; one that throws does not keep the others from running. */
export async function closeLeftovers(): Promise<void> {
  const pending = [...closers];
  closers.clear();
  await Promise.allSettled(pending.map(async (close) => close()));
}
