import type { Kysely } from 'kysely';
import type { Logger } from '@fenta/core';
import {
  ensurePartitions,
  pruneExpiredIdempotencyKeys,
  pruneFinishedWebhookDeliveries,
  pruneJobLogs,
  refreshDailyUsage,
  resetEndedQuotaPeriods,
  withTryAdvisoryLock,
} from '@fenta/db';

// Shared by every scheduler process, so upkeep runs once even when several are up.
const maintenanceLockKey = 7_302_114_584;

const dayMs = 86_400_000;

export interface RetentionDays {
  /** Job logs older than this many days are removed; 0 keeps them forever. */
  jobLogs: number;
  /** Finished webhook deliveries older than this many days are removed; 0 keeps them forever. */
  webhookDeliveries: number;
}

export const defaultRetentionDays: RetentionDays = { jobLogs: 30, webhookDeliveries: 30 };

export interface MaintenanceRun {
  ran: boolean;
  /** What each task did (a count, or true for a task without one), by task name; absent for a task that failed. */
  done?: Record<string, number | true>;
  /** The tasks that failed this round; each is tried again at the next one. */
  failed?: string[];
}

type Task = (conn: Kysely<any>, now: Date) => Promise<number | void>;

function upkeepTasks(retention: RetentionDays): Record<string, Task> {
  const before = (now: Date, days: number) => new Date(now.getTime() - days * dayMs);
  return {
    partitions: (conn) => ensurePartitions(conn),
    dailyUsage: (conn) => refreshDailyUsage(conn),
    quotaPeriodsReset: (conn, now) => resetEndedQuotaPeriods(conn, now),
    idempotencyKeysPruned: (conn, now) => pruneExpiredIdempotencyKeys(conn, { now }),
    ...(retention.jobLogs > 0 && { jobLogsPruned: (conn, now) => pruneJobLogs(conn, { before: before(now, retention.jobLogs) }) }),
    ...(retention.webhookDeliveries > 0 && {
      webhookDeliveriesPruned: (conn, now) => pruneFinishedWebhookDeliveries(conn, { before: before(now, retention.webhookDeliveries) }),
    }),
  } satisfies Record<string, Task>;
}

/**
 * One round of upkeep, on one scheduler at a time: next months' partitions,
 * the daily usage view, quota periods that ended, then Idempotency-Keys past
 * their 24 hours, job logs and finished deliveries past their retention. A
 * task that fails is logged and does not keep the others from running.
 */
export async function runMaintenance(db: Kysely<any>, logger: Logger, options: { retention?: RetentionDays; now?: () => Date } = {}): Promise<MaintenanceRun> {
  const tasks = upkeepTasks(options.retention ?? defaultRetentionDays);
  const done: Record<string, number | true> = {};
  const failed: string[] = [];
  const ran = await withTryAdvisoryLock(db, maintenanceLockKey, async (conn) => {
    const started = performance.now();
    for (const [name, task] of Object.entries(tasks)) {
      try {
        const result = await task(conn, options.now?.() ?? new Date());
        done[name] = typeof result === 'number' ? result : true;
      } catch (error) {
        failed.push(name);
        logger.error({ err: error, task: name }, 'maintenance task failed; retrying at the next interval');
      }
    }
    logger.info({ durationMs: Math.round(performance.now() - started), ...done, failed }, 'maintenance done');
  });
  if (!ran) {
    logger.debug('maintenance skipped: another scheduler is running it');
    return { ran };
  }
  return { ran, done, failed };
}

/**
 * Runs upkeep now and then every `intervalMs`. A failed round is logged and
 * retried at the next tick; `stop()` waits for a round in progress.
 */
export function startMaintenanceLoop(options: { db: Kysely<any>; logger: Logger; intervalMs: number; retention: RetentionDays }): {
  stop(): Promise<void>;
} {
  let current: Promise<unknown> = Promise.resolve();
  const tick = () => {
    current = runMaintenance(options.db, options.logger, { retention: options.retention }).catch((error: unknown) => {
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
