import { FentaError, isFentaError, type Logger } from '@fenta/core';
import {
  advanceSchedule,
  claimDueSchedule,
  type DB,
  disableSchedule,
  enqueueWebhookDeliveries,
  reclaimScheduleTick,
  type Schedule,
  scheduleHasUnfinishedJob,
} from '@fenta/db';
import type { NodeDefinitionRegistry } from '@fenta/graph';
import type { RenderQueue } from '@fenta/queue';
import type { Kysely, Transaction } from 'kysely';
import { createJobInTransaction } from './create-job';
import { enqueueJob } from './enqueue-job';
import { planScheduleTick, type MissedRunsPolicy, type TickPlan } from './schedule-times';

export interface FireSchedulesDeps {
  db: Kysely<DB>;
  queue: RenderQueue;
  registry: NodeDefinitionRegistry;
  logger: Logger;
  enqueueTimeoutMs?: number;
}

export interface FireSchedulesOptions {
  /** A tick older than this when it is fired was missed (the missed-runs policy applies); younger ones run in order. */
  graceMs: number;
  /** Schedules fired in one call at most; the caller calls again while they come back full. */
  limit?: number;
  /** The clock; `new Date()` unless told. */
  now?: () => Date;
  /** Unexpected failures per tick, kept by the caller across rounds (see maxUnexpectedFailures). */
  failures?: Map<string, number>;
}

/** What firing one schedule did. */
export type FiredSchedule =
  | { scheduleId: string; orgId: string; outcome: 'created' | 'existing'; tick: Date; jobId: string; skipped: number }
  | { scheduleId: string; orgId: string; outcome: 'skipped'; tick: Date | null; reason: SkipReason; skipped: number }
  | { scheduleId: string; orgId: string; outcome: 'disabled'; tick: Date | null; reason: string };

/** Why a tick did not run: `missed` (policy skip), `overlap` (its previous run was still going), or the code of the error that kept its job from being made. */
export type SkipReason = string;

/**
 * Fires the schedules that are due, each in a transaction of its own:
 * claim it (FOR UPDATE SKIP LOCKED, so replicas share the work and never
 * fire one tick twice), decide what its tick does, create its job through
 * the one job-creation path with `schedule_id` + `scheduled_for` (unique:
 * a second try of the same tick finds the job it made) and advance
 * `next_run_at`, all committed together; the job is queued after the
 * commit. A crash before the commit leaves the tick due for the next claim;
 * a crash after it leaves a queued job that the worker's reconciler adds to
 * the queue. A job that cannot be made (the org is over quota, the workflow
 * is gone or no longer validates) skips the tick, or turns the schedule off
 * when it can never run again; skips are logged and sent as
 * `schedule.skipped` webhooks.
 */
export async function fireDueSchedules(deps: FireSchedulesDeps, options: FireSchedulesOptions): Promise<FiredSchedule[]> {
  const limit = options.limit ?? 100;
  const clock = options.now ?? (() => new Date());
  const failures = options.failures ?? new Map<string, number>();
  const fired: FiredSchedule[] = [];
  // Once Redis has not taken a job in time, the round stops waiting on it: the rest are left to the
  // worker's reconciler (they are safe in PostgreSQL) rather than each waiting out the timeout while other ticks age.
  let queueAway = false;
  let leftToReconciler = 0;
  for (let attempt = 0; attempt < limit; attempt++) {
    const one = await fireOne(deps, clock(), options.graceMs, failures);
    if (one === 'none') break;
    // Another scheduler handled the tick between our two transactions: on to the next schedule.
    if (one === 'lost') continue;
    fired.push(one.fired);
    report(deps.logger, one.fired);
    if (!one.queue) continue;
    if (queueAway) leftToReconciler++;
    else queueAway = !(await enqueueJob(deps, one.queue));
  }
  if (leftToReconciler > 0) deps.logger.warn({ jobs: leftToReconciler }, 'the queue is not taking jobs; the reconciler will queue these');
  return fired;
}

/** Unexpected failures of one tick allowed before it is skipped, so a schedule that always fails does not hold up the others for good. */
const maxUnexpectedFailures = 3;

type FireOutcome = 'none' | 'lost' | { fired: FiredSchedule; queue?: string };

async function fireOne(deps: FireSchedulesDeps, now: Date, graceMs: number, failures: Map<string, number>): Promise<FireOutcome> {
  let claimed: Schedule | undefined;
  let plan: TickPlan | undefined;
  try {
    const outcome = await deps.db.transaction().execute(async (trx): Promise<FireOutcome> => {
      claimed = await claimDueSchedule(trx, now);
      if (!claimed) return 'none';
      const schedule = claimed;
      plan = planOf(schedule, now, graceMs);
      const base = { scheduleId: schedule.id, orgId: schedule.org_id };
      if (!plan.run) {
        await advanceSchedule(trx, schedule.id, { next: plan.next });
        await sendSkipped(trx, schedule, { tick: null, reason: 'missed', skipped: plan.skipped });
        return { fired: { ...base, outcome: 'skipped', tick: null, reason: 'missed', skipped: plan.skipped } };
      }
      if (schedule.overlap === 'skip' && (await scheduleHasUnfinishedJob(trx, schedule.id, plan.run))) {
        await advanceSchedule(trx, schedule.id, { next: plan.next });
        await sendSkipped(trx, schedule, { tick: plan.run, reason: 'overlap', skipped: plan.skipped + 1 });
        return { fired: { ...base, outcome: 'skipped', tick: plan.run, reason: 'overlap', skipped: plan.skipped + 1 } };
      }
      const { job, created } = await createJobInTransaction(trx, deps.registry, {
        orgId: schedule.org_id,
        createdBy: schedule.created_by,
        workflowId: schedule.workflow_id,
        scheduleId: schedule.id,
        scheduledFor: plan.run,
      });
      await advanceSchedule(trx, schedule.id, { next: plan.next, ran: created ? plan.run : undefined });
      if (plan.skipped > 0) await sendSkipped(trx, schedule, { tick: null, reason: 'missed', skipped: plan.skipped });
      return {
        fired: { ...base, outcome: created ? 'created' : 'existing', tick: plan.run, jobId: job.id, skipped: plan.skipped },
        queue: job.status === 'queued' ? job.id : undefined,
      };
    });
    if (claimed) failures.delete(tickKey(claimed));
    return outcome;
  } catch (error) {
    if (!claimed) throw error;
    if (isFentaError(error)) return skipFailedTick(deps, claimed, plan, error);
    // Unexpected (a lost connection, a bug): tried again next round, and skipped once it has failed too often.
    const key = tickKey(claimed);
    const times = (failures.get(key) ?? 0) + 1;
    failures.set(key, times);
    if (times < maxUnexpectedFailures) throw error;
    failures.delete(key);
    deps.logger.error({ err: error, schedule: claimed.id }, `firing this tick failed ${times} times; skipping it`);
    const reason = error instanceof Error ? error.message : String(error);
    return skipFailedTick(deps, claimed, plan, new FentaError('INTERNAL', {}, { details: { reason } }));
  }
}

function tickKey(schedule: Schedule): string {
  return `${schedule.id}@${schedule.next_run_at?.toISOString()}`;
}

/** The plan for a claimed schedule; a timing that no longer reads is a coded error (the schedule is turned off). */
function planOf(schedule: Schedule, now: Date, graceMs: number): TickPlan {
  try {
    return planScheduleTick(schedule, schedule.next_run_at!, now, graceMs, schedule.missed_runs as MissedRunsPolicy);
  } catch (error) {
    throw new FentaError('SCHEDULE_CRON_INVALID', {
      cron: JSON.stringify(schedule.cron),
      reason: `does not parse in ${schedule.timezone}: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}

/** Codes after which a schedule can never fire again: it is turned off rather than tried at every tick. */
const fatalCodes = new Set(['WORKFLOW_NOT_FOUND', 'SCHEDULE_CRON_INVALID']);

/**
 * The tick's job could not be made: in a transaction of its own (the first
 * one rolled back), the schedule moves on past the tick, or is turned off,
 * and the skip is sent. Nothing happens if another scheduler has meanwhile
 * handled the tick.
 */
async function skipFailedTick(deps: FireSchedulesDeps, schedule: Schedule, plan: TickPlan | undefined, error: FentaError): Promise<FireOutcome> {
  const tick = plan?.run ?? null;
  const disable = fatalCodes.has(error.code) || !plan;
  const handled = await deps.db.transaction().execute(async (trx) => {
    const again = await reclaimScheduleTick(trx, schedule.id, schedule.next_run_at!, schedule.updated_at);
    if (!again) return false;
    if (disable || !plan) await disableSchedule(trx, schedule.id);
    else await advanceSchedule(trx, schedule.id, { next: plan.next });
    await sendSkipped(trx, schedule, { tick, reason: error.code, skipped: (plan?.skipped ?? 0) + 1, message: error.message, disabled: disable });
    return true;
  });
  if (!handled) return 'lost';
  const base = { scheduleId: schedule.id, orgId: schedule.org_id, tick };
  return {
    fired: disable
      ? { ...base, outcome: 'disabled', reason: `${error.code}: ${error.message}` }
      : { ...base, outcome: 'skipped', reason: error.code, skipped: (plan?.skipped ?? 0) + 1 },
  };
}

/** The schedule.skipped event, written in the transaction that skipped (the outbox). */
async function sendSkipped(
  trx: Transaction<DB>,
  schedule: Schedule,
  skip: { tick: Date | null; reason: string; skipped: number; message?: string; disabled?: boolean },
): Promise<void> {
  await enqueueWebhookDeliveries(trx, schedule.org_id, 'schedule.skipped', {
    schedule_id: schedule.id,
    workflow_id: schedule.workflow_id,
    tick: skip.tick?.toISOString() ?? null,
    reason: skip.reason,
    skipped_ticks: skip.skipped,
    ...(skip.message ? { message: skip.message } : {}),
    ...(skip.disabled ? { schedule_disabled: true } : {}),
  });
}

function report(logger: Logger, fired: FiredSchedule): void {
  const fields = { schedule: fired.scheduleId, org: fired.orgId, tick: fired.tick?.toISOString() ?? null };
  switch (fired.outcome) {
    case 'created':
    case 'existing':
      logger.info(
        { ...fields, job: fired.jobId, ...(fired.skipped > 0 ? { skippedTicks: fired.skipped } : {}) },
        fired.outcome === 'created' ? 'schedule fired' : 'schedule tick already had its job',
      );
      return;
    case 'skipped':
      logger.warn({ ...fields, reason: fired.reason, skippedTicks: fired.skipped }, 'schedule tick skipped');
      return;
    case 'disabled':
      logger.warn({ ...fields, reason: fired.reason }, 'schedule turned off: it cannot run again');
  }
}
