import type { Logger } from 'pino';

export interface ShutdownOptions {
  logger: Logger;
  /** Runs once, on the first SIGINT or SIGTERM: stop taking work, finish or hand back, close connections. */
  shutdown: (signal: NodeJS.Signals) => Promise<void>;
  /** How long `shutdown` may take before the process exits anyway. */
  graceMs?: number;
  /** Injected for tests; defaults to `process.exit`. */
  exit?: (code: number) => void;
}

/**
 * Installs SIGINT/SIGTERM handlers that run `shutdown` once and then exit.
 * A second signal while shutting down exits at once: the operator asked twice.
 */
export function handleShutdownSignals(options: ShutdownOptions): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const graceMs = options.graceMs ?? 30_000;
  let shuttingDown = false;

  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      options.logger.warn({ signal }, 'second signal during shutdown, exiting now');
      exit(130);
      return;
    }
    shuttingDown = true;
    options.logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      options.logger.error({ graceMs }, 'shutdown took longer than the grace period, exiting');
      exit(1);
    }, graceMs);
    timer.unref();
    options
      .shutdown(signal)
      .then(() => {
        clearTimeout(timer);
        options.logger.info('stopped cleanly');
        exit(0);
      })
      .catch((error: unknown) => {
        clearTimeout(timer);
        options.logger.error({ err: error }, 'shutdown failed');
        exit(1);
      });
  };

  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
