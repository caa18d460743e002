/**
 * Scheduler benchmark: N enabled schedules (10,000 by default) due in the
 * same minute, fired by two scheduler processes (apps/scheduler/dist/main.js)
 * on an embedded PostgreSQL and a redis-server of its own. Measures the
 * seconds from the processes' start until every schedule has its job (row
 * created and in the queue), and counts duplicates (jobs beyond one per
 * schedule, queue entries beyond one per job) and misses (schedules without
 * a job). As a baseline measured in the same run on the same PostgreSQL, the
 * least a tick costs: two loops that each, per schedule, in one transaction,
 * insert a jobs-like row and move the schedule on. Ends with one line:
 * `schedules=… seconds=… duplicates=… missed=… baseline_seconds=… ratio=…`
 * (ratio = seconds / baseline_seconds).
 *
 *   node -r ./test/register-ts.cjs bench/scheduler-bench.ts [--schedules 10000] [--timeout 600]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { createRenderQueue, defaultQueuePrefix } from '../packages/queue/src';
import { startBenchStack } from './bench-stack';

const minute = 60_000;

export interface SchedulerBenchResult {
  schedules: number;
  seconds: number;
  duplicates: number;
  missed: number;
  baselineSeconds: number;
}

export async function runSchedulerBench(
  options: { schedules?: number; timeoutSeconds?: number; log?: (line: string) => void } = {},
): Promise<SchedulerBenchResult> {
  const count = options.schedules ?? 10_000;
  const timeoutMs = (options.timeoutSeconds ?? 600) * 1000;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const stack = await startBenchStack('scheduler', { poolSize: 4 });
  const { db, orgId, userId, workflowId } = stack;
  try {
    // All due this minute, once a year: each fires exactly one tick.
    const tick = new Date(Math.floor(Date.now() / minute) * minute);
    const insertSchedules = async (table: string) =>
      sql`INSERT INTO ${sql.table(table)} (org_id, workflow_id, cron, timezone, next_run_at, created_by)
          SELECT ${orgId}, ${workflowId}, '0 0 1 1 *', 'UTC', ${tick}, ${userId} FROM generate_series(1, ${count})`.execute(db);

    // The baseline first, on a copy of the table (with its index of due schedules), so the real schedules see a quiet database.
    await sql`CREATE TABLE bench_schedules (LIKE schedules INCLUDING DEFAULTS INCLUDING INDEXES)`.execute(db);
    await sql`CREATE TABLE bench_jobs (id text PRIMARY KEY DEFAULT fenta_id('job'), org_id text NOT NULL, schedule_id text NOT NULL,
      scheduled_for timestamptz NOT NULL, config jsonb NOT NULL, UNIQUE (schedule_id, scheduled_for))`.execute(db);
    await insertSchedules('bench_schedules');
    const baselineStarted = performance.now();
    const lane = async () => {
      for (;;) {
        const done = await db.transaction().execute(async (trx) => {
          const { rows } = await sql<{ id: string; next_run_at: Date }>`
            SELECT id, next_run_at FROM bench_schedules WHERE enabled AND next_run_at <= now()
            ORDER BY next_run_at LIMIT 1 FOR UPDATE SKIP LOCKED`.execute(trx);
          const row = rows[0];
          if (!row) return true;
          await sql`INSERT INTO bench_jobs (org_id, schedule_id, scheduled_for, config) VALUES (${orgId}, ${row.id}, ${row.next_run_at}, '{}')`.execute(trx);
          await sql`UPDATE bench_schedules SET next_run_at = next_run_at + interval '1 year', last_run_at = next_run_at WHERE id = ${row.id}`.execute(trx);
          return false;
        });
        if (done) return;
      }
    };
    await Promise.all([lane(), lane()]);
    const baselineSeconds = (performance.now() - baselineStarted) / 1000;
    log(`baseline (claim + insert + advance, 2 loops): ${count} ticks in ${baselineSeconds.toFixed(2)} s`);

    await insertSchedules('schedules');
    const queue = createRenderQueue({ connection: { url: stack.redisUrl }, prefix: defaultQueuePrefix });
    stack.onStop(() => queue.close());
    const started = performance.now();
    const env = { FENTA_SCHEDULER_POLL_MS: '100', LOG_LEVEL: 'warn' };
    const schedulers = [await stack.startApp('scheduler', env), await stack.startApp('scheduler', env)];

    // Polls the outcome (a benchmark may poll; it asserts nothing).
    const progress = async () => {
      const { rows } = await sql<{ jobs: number; schedules: number }>`
        SELECT count(*)::int AS jobs, count(DISTINCT schedule_id)::int AS schedules FROM jobs WHERE schedule_id IS NOT NULL`.execute(db);
      return { ...rows[0]!, queued: await queue.count() };
    };
    let state = await progress();
    let shown = 0;
    while ((state.schedules < count || state.queued < state.jobs) && performance.now() - started < timeoutMs) {
      if (schedulers.some((child) => child.exitCode !== null)) throw new Error(`a scheduler exited during the run; see its log in ${stack.dir}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      state = await progress();
      if (state.schedules >= shown + count / 10) {
        shown = state.schedules - (state.schedules % (count / 10));
        log(`  ${state.schedules} fired after ${((performance.now() - started) / 1000).toFixed(1)} s`);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const duplicates = state.jobs - state.schedules + Math.max(0, state.queued - state.jobs);
    const missed = count - state.schedules;
    log(`schedulers (2 processes): ${state.schedules} of ${count} fired in ${seconds.toFixed(2)} s, ${state.queued} queued`);
    return { schedules: count, seconds, duplicates, missed, baselineSeconds };
  } finally {
    await stack.stop();
  }
}

if (require.main === module) {
  const { values } = parseArgs({ options: { schedules: { type: 'string', default: '10000' }, timeout: { type: 'string', default: '600' } } });
  const schedules = Number(values.schedules);
  const timeoutSeconds = Number(values.timeout);
  if (!Number.isInteger(schedules) || schedules < 1 || !Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    process.stderr.write('usage: ./fenta bench scheduler [--schedules N] [--timeout SECONDS]\n');
    process.exit(2);
  }
  runSchedulerBench({ schedules, timeoutSeconds }).then(
    (result) => {
      process.stdout.write(
        `schedules=${result.schedules} seconds=${result.seconds.toFixed(2)} duplicates=${result.duplicates} missed=${result.missed} baseline_seconds=${result.baselineSeconds.toFixed(2)} ratio=${(result.seconds / result.baselineSeconds).toFixed(2)}\n`,
      );
      process.exit(result.missed > 0 || result.duplicates > 0 ? 1 : 0);
    },
    (error: unknown) => {
      process.stderr.write(`scheduler bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
