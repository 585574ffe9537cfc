import type { Logger } from 'pino';

/**
 * Kubernetes sends SIGTERM: run `close` once (it drains what is in flight), then exit 0, or 1 if
 * closing failed. A repeated signal during the drain is logged, not fatal: `close` bounds itself.
 */
export function closeOnSignals(close: () => Promise<void>, logger: Logger, signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): void {
  let closing = false;
  for (const signal of signals) {
    process.on(signal, () => {
      logger.info({ signal, alreadyClosing: closing }, 'shutdown requested');
      if (closing) return;
      closing = true;
      close().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}
