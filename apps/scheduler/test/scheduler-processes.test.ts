import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@fenta/core';
import { seedBuiltInTemplates, seedDemoOrg } from '@fenta/db';
import { requeueLostJobs } from '@fenta/jobs';
import { findFreePort, startRedisServer, type RunningRedis } from '@fenta/local-services';
import { createRenderQueue, defaultQueuePrefix, type RenderQueue } from '@fenta/queue';
import { createTestDatabase, type TestDatabase } from '@fenta/testing';

const main = path.join(__dirname, '..', 'dist', 'main.js');
const minute = 60_000;

interface Scheduler {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

/**
 * Three scheduler processes on one database: every tick of every schedule
 * makes exactly one job, none is missed, and one of them killed outright
 * half-way (SIGKILL: mid-claim, mid-commit or between commit and enqueue)
 * loses nothing: its claim is released with its connection, and a job it
 * committed but did not queue is added back by the reconciler.
 */
describe('scheduler processes', () => {
  let database: TestDatabase;
  let dir: string;
  let redis: RunningRedis;
  let queue: RenderQueue;
  const schedulers: Scheduler[] = [];

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    await seedBuiltInTemplates(database.db);
    await seedDemoOrg(database.db);
    dir = await mkdtemp(path.join(tmpdir(), 'fenta-scheduler-processes-'));
    redis = await startRedisServer({ dataDir: path.join(dir, 'redis'), port: await findFreePort(), appendOnly: false });
    queue = createRenderQueue({ connection: { url: redis.url }, prefix: defaultQueuePrefix });
  });
  afterAll(async () => {
    for (const scheduler of schedulers) if (scheduler.child.exitCode === null) scheduler.child.kill('SIGKILL');
    await Promise.all(schedulers.map((scheduler) => scheduler.exited));
    await queue.close();
    await redis.stop();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const start = (): Scheduler => {
    const child = spawn(process.execPath, [main], {
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: database.url,
        REDIS_URL: redis.url,
        FENTA_SCHEDULER_POLL_MS: '100',
        // Every tick of the last hour is on time: each must run, in order.
        FENTA_SCHEDULE_GRACE_MS: String(60 * minute),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const scheduler = { child, output, exited };
    schedulers.push(scheduler);
    return scheduler;
  };
  const fired = (scheduler: Scheduler) =>
    scheduler.output
      .join('')
      .split('\n')
      .filter((line) => line.includes('"schedule fired"')).length;

  /** Resolves once `predicate` holds for what the processes logged (checked at each chunk they write). */
  const untilLogged = (predicate: () => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        for (const { child } of schedulers) child.stdout!.off('data', check);
        resolve();
      };
      for (const { child } of schedulers) child.stdout!.on('data', check);
      void Promise.all(schedulers.map((s) => s.exited)).then(() => reject(new Error(`every scheduler exited before ${what}`)));
      check();
    });

  it('makes exactly one job per tick of every schedule, and a scheduler killed half-way loses none', async () => {
    // 20 per-minute schedules, each 15 minutes behind: 16 due ticks each (and one more each minute the test runs).
    const firstTick = new Date(Math.floor(Date.now() / minute) * minute - 15 * minute);
    const ids = (
      await database.query<{ id: string }>(
        `INSERT INTO schedules (org_id, workflow_id, cron, timezone, next_run_at, overlap, created_by)
         SELECT 'org_demo', 'wf_daily_news_01', '* * * * *', 'UTC', $1, 'allow', 'user_demo' FROM generate_series(1, 20) RETURNING id`,
        [firstTick],
      )
    ).map((row) => row.id);

    const [first, second, third] = [start(), start(), start()];
    // Once the first has fired some, it dies without a word.
    await untilLogged(() => fired(first!) >= 10, 'the first scheduler fired ten ticks');
    first!.child.kill('SIGKILL');
    await first!.exited;

    // The others go on until every schedule's next tick is in the future.
    const caughtUp = async () => (await database.query<{ due: number }>(`SELECT count(*)::int AS due FROM schedules WHERE next_run_at <= now()`))[0]!.due === 0;
    await untilLogged(() => fired(second!) + fired(third!) >= 200, 'the others fired 200 ticks');
    // Not yet: wait for either to write (it fires the next tick), and look again.
    const nextOutput = () => new Promise((resolve) => [second!, third!].forEach(({ child }) => child.stdout!.once('data', resolve)));
    while (!(await caughtUp())) await nextOutput();
    second!.child.kill('SIGTERM');
    third!.child.kill('SIGTERM');
    expect(await second!.exited).toBe(0);
    expect(await third!.exited).toBe(0);

    // Every tick from the first to the one before next_run_at has exactly one job.
    const rows = await database.query<{ id: string; next_run_at: Date; ticks: Date[]; jobs: string[] }>(
      `SELECT s.id, s.next_run_at, array_agg(j.scheduled_for ORDER BY j.scheduled_for) AS ticks, array_agg(j.id) AS jobs
         FROM schedules s JOIN jobs j ON j.schedule_id = s.id GROUP BY s.id ORDER BY s.id`,
    );
    expect(rows.map((row) => row.id)).toEqual([...ids].sort());
    for (const row of rows) {
      const expected: string[] = [];
      for (let t = firstTick.getTime(); t < row.next_run_at.getTime(); t += minute) expected.push(new Date(t).toISOString());
      expect([row.id, row.ticks.map((tick) => tick.toISOString())]).toEqual([row.id, expected]);
      expect(expected.length).toBeGreaterThanOrEqual(16);
    }
    const jobs = rows.flatMap((row) => row.jobs);
    expect(new Set(jobs).size).toBe(jobs.length);

    // A job the killed scheduler committed but did not queue is found by the reconciler; then every job is in the queue once.
    const requeued = await requeueLostJobs({ db: database.db, queue, logger: createLogger({ service: 'test', level: 'silent' }), graceSeconds: 0 });
    expect(requeued.length).toBeLessThanOrEqual(1);
    expect(await queue.getJobCounts('waiting')).toEqual({ waiting: jobs.length });
  }, 180_000);
});
