import { deliverDueWebhooks, type DeliverWebhooksDeps } from '@fenta/webhooks';

export interface DeliveryLoopOptions {
  deps: DeliverWebhooksDeps;
  /** How often due deliveries are looked for. */
  intervalMs: number;
  /** Deliveries sent at once by this process. */
  concurrency: number;
}

/**
 * Sends due webhook deliveries now and then every `intervalMs`, batch after
 * batch while batches come back full. A failed round (PostgreSQL away) is
 * logged and tried again at the next interval; rounds never overlap.
 * `stop()` aborts the attempts in flight (their leases lapse and another
 * sender takes them) and waits for the round to end. Any number of
 * schedulers may run this at once: a delivery is attempted by one at a time.
 */
export function startDeliveryLoop(options: DeliveryLoopOptions): { stop(): Promise<void> } {
  const { deps } = options;
  const abort = new AbortController();
  let running = false;
  let current: Promise<void> = Promise.resolve();
  const round = async () => {
    for (;;) {
      const sent = await deliverDueWebhooks(deps, { limit: options.concurrency, signal: abort.signal });
      if (abort.signal.aborted || sent.length < options.concurrency) return;
    }
  };
  const tick = () => {
    if (running || abort.signal.aborted) return;
    running = true;
    current = round()
      .catch((error: unknown) => {
        if (!abort.signal.aborted) deps.logger.error({ err: error }, 'delivering webhooks failed; trying again at the next interval');
      })
      .finally(() => (running = false));
  };
  tick();
  const timer = setInterval(tick, options.intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      abort.abort(new Error('the scheduler is stopping'));
      await current;
    },
  };
}
