import type { Kysely } from 'kysely';
import type { Logger } from '@fenta/core';
import { ensurePartitions, pruneExpiredIdempotencyKeys, refreshDailyUsage, withTryAdvisoryLock } from '@fenta/db';

// Shared by every scheduler process, so upkeep runs once even when several are up.
const maintenanceLockKey = 7_302_114_584;

export interface MaintenanceRun {
  ran: boolean;
}

/** One round of upkeep: next months' partitions, the daily usage view, then Idempotency-Keys past their 24 hours. */
export async function runMaintenance(db: Kysely<any>, logger: Logger): Promise<MaintenanceRun> {
  const ran = await withTryAdvisoryLock(db, maintenanceLockKey, async (conn) => {
    const started = performance.now();
    await ensurePartitions(conn);
    await refreshDailyUsage(conn);
    const idempotencyKeysPruned = await pruneExpiredIdempotencyKeys(conn);
    logger.info({ durationMs: Math.round(performance.now() - started), idempotencyKeysPruned }, 'maintenance done');
  });
  if (!ran) logger.debug('maintenance skipped: another scheduler is running it');
  return { ran };
}

/**
 * Runs upkeep now and then every `intervalMs`. A failed round is logged and
 * retried at the next tick; `stop()` waits for a round in progress.
 */
export function startMaintenanceLoop(options: { db: Kysely<any>; logger: Logger; intervalMs: number }): { stop(): Promise<void> } {
  let current: Promise<unknown> = Promise.resolve();
  const tick = () => {
    current = runMaintenance(options.db, options.logger).catch((error: unknown) => {
      options.logger.error({ err: error }, 'maintenance failed; retrying at the next interval');
    });
  };
  tick();
  const timer = setInterval(tick, options.intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await current;
    },
  };
}
