import { fireDueSchedules, type FireSchedulesDeps } from '@fenta/jobs';

export interface ScheduleLoopOptions {
  deps: FireSchedulesDeps;
  /** How often due schedules are looked for. */
  intervalMs: number;
  /** A tick older than this when fired was missed (see fireDueSchedules). */
  graceMs: number;
}

/** Schedules fired per call; a full batch means more may be due, so the loop goes on at once. */
const batch = 100;

/**
 * Fires due schedules now and then every `intervalMs`, until none is due. A
 * failed round (PostgreSQL away) is logged and tried again at the next
 * interval; rounds never overlap; `stop()` waits for the one in progress.
 * Any number of schedulers may run this at once: each tick fires once.
 */
export function startScheduleLoop(options: ScheduleLoopOptions): { stop(): Promise<void> } {
  const { deps } = options;
  let stopped = false;
  let running = false;
  let current: Promise<void> = Promise.resolve();
  // Kept across rounds: a tick that keeps failing unexpectedly is skipped after a few rounds.
  const failures = new Map<string, number>();
  const round = async () => {
    for (;;) {
      const fired = await fireDueSchedules(deps, { graceMs: options.graceMs, limit: batch, failures });
      if (stopped || fired.length < batch) return;
    }
  };
  const tick = () => {
    if (running || stopped) return;
    running = true;
    current = round()
      .catch((error: unknown) => deps.logger.error({ err: error }, 'firing schedules failed; trying again at the next interval'))
      .finally(() => (running = false));
  };
  tick();
  const timer = setInterval(tick, options.intervalMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await current;
    },
  };
}
