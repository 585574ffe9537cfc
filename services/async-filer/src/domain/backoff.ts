/**
 * Wait before retry number `retry` (1 = the first retry) of a session's delivery: the filer's
 * backoffSeconds, doubled on each further attempt (production.yaml schema), capped at one day.
 */
export function retryDelayMs(backoffSeconds: number, retry: number): number {
  const seconds = backoffSeconds * 2 ** Math.max(0, retry - 1);
  return Math.min(seconds, 86_400) * 1000;
}
