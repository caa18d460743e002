import { createLogger } from '@fenta/core';
import { seedBuiltInTemplates, seedDemoOrg } from '@fenta/db';
import { builtInNodeDefinitionRegistry } from '@fenta/graph';
import { createRenderQueue, type RenderQueue } from '@fenta/queue';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@fenta/testing';
import { fireDueSchedules, type FireSchedulesDeps } from '../src/fire-schedules';

type Json = Record<string, any>;

const hour = 3_600_000;
const grace = 5 * 60_000;

describe('fireDueSchedules', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let queue: RenderQueue;
  let deps: FireSchedulesDeps;
  let orgId: string;
  let workflowId: string;
  const logger = createLogger({ service: 'test', level: 'silent' });

  beforeEach(async () => {
    database = await createTestDatabase({ migrated: true });
    await seedBuiltInTemplates(database.db);
    ({ orgId, workflowId } = await seedDemoOrg(database.db));
    redis = await createTestRedis();
    queue = createRenderQueue({ connection: redis.redis, prefix: redis.prefix });
    deps = { db: database.db, queue, registry: builtInNodeDefinitionRegistry, logger };
    // An endpoint subscribed to skips, to see the events the outbox holds.
    await database.query(`INSERT INTO webhooks (org_id, url, events, secret) VALUES ($1, 'https://93.184.216.34/hooks', '{schedule.skipped}', 'x')`, [orgId]);
  });
  afterEach(async () => {
    await queue.close();
    await redis.cleanup();
    await database.drop();
  });

  const q = <T = Json>(text: string, params?: unknown[]) => database.query<T>(text, params);
  const schedule = async (fields: { cron: string; next: Date; timezone?: string; missed?: string; overlap?: string }) => {
    const [row] = await q<{ id: string }>(
      `INSERT INTO schedules (org_id, workflow_id, cron, timezone, next_run_at, missed_runs, overlap, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'user_demo') RETURNING id`,
      [orgId, workflowId, fields.cron, fields.timezone ?? 'UTC', fields.next, fields.missed ?? 'run_last', fields.overlap ?? 'skip'],
    );
    return row!.id;
  };
  const scheduleRow = async (id: string) => (await q(`SELECT enabled, next_run_at, last_run_at, run_count FROM schedules WHERE id = $1`, [id]))[0];
  const jobsOf = (id: string) => q(`SELECT id, scheduled_for, workflow_id, status, created_by FROM jobs WHERE schedule_id = $1 ORDER BY scheduled_for`, [id]);
  const skips = async () =>
    (await q<{ payload: Json }>(`SELECT payload FROM webhook_deliveries WHERE event = 'schedule.skipped' ORDER BY created_at, id`)).map((row) => row.payload);

  it("fires a due tick once: the schedule's job with schedule_id and scheduled_for, queued, and the schedule moved on", async () => {
    const now = new Date('2030-01-01T10:00:30Z');
    const id = await schedule({ cron: '0 * * * *', next: new Date('2030-01-01T10:00:00Z') });

    const fired = await fireDueSchedules(deps, { graceMs: grace, now: () => now });
    const jobs = await jobsOf(id);
    expect(fired).toEqual([{ scheduleId: id, orgId, outcome: 'created', tick: new Date('2030-01-01T10:00:00Z'), jobId: jobs[0]!.id, skipped: 0 }]);
    expect(jobs).toEqual([
      { id: jobs[0]!.id, scheduled_for: new Date('2030-01-01T10:00:00Z'), workflow_id: workflowId, status: 'queued', created_by: 'user_demo' },
    ]);
    expect(await scheduleRow(id)).toEqual({
      enabled: true,
      next_run_at: new Date('2030-01-01T11:00:00Z'),
      last_run_at: new Date('2030-01-01T10:00:00Z'),
      run_count: 1,
    });
    expect((await queue.getJob(jobs[0]!.id))?.data).toEqual({ jobId: jobs[0]!.id });
    // Nothing else is due.
    expect(await fireDueSchedules(deps, { graceMs: grace, now: () => now })).toEqual([]);
  });

  it('finds the job a tick already made when the same tick comes again (a scheduler that died after its commit), and makes no second', async () => {
    const now = new Date('2030-01-01T10:00:30Z');
    const id = await schedule({ cron: '0 * * * *', next: new Date('2030-01-01T10:00:00Z') });
    await fireDueSchedules(deps, { graceMs: grace, now: () => now });
    const [first] = await jobsOf(id);
    await q(`UPDATE schedules SET next_run_at = '2030-01-01T10:00:00Z' WHERE id = $1`, [id]);

    expect(await fireDueSchedules(deps, { graceMs: grace, now: () => now })).toEqual([
      { scheduleId: id, orgId, outcome: 'existing', tick: new Date('2030-01-01T10:00:00Z'), jobId: first!.id, skipped: 0 },
    ]);
    expect((await jobsOf(id)).map((job) => job.id)).toEqual([first!.id]);
    expect((await scheduleRow(id))!.run_count).toBe(1);
  });

  it('catches up the ticks of a short outage in order, one job each', async () => {
    const id = await schedule({ cron: '* * * * *', next: new Date('2030-01-01T10:00:00Z'), overlap: 'allow' });
    const now = new Date('2030-01-01T10:03:10Z');
    const fired = await fireDueSchedules(deps, { graceMs: grace, now: () => now });
    expect(fired.map((one) => [one.outcome, one.tick?.toISOString()])).toEqual([
      ['created', '2030-01-01T10:00:00.000Z'],
      ['created', '2030-01-01T10:01:00.000Z'],
      ['created', '2030-01-01T10:02:00.000Z'],
      ['created', '2030-01-01T10:03:00.000Z'],
    ]);
    expect((await jobsOf(id)).map((job) => (job.scheduled_for as Date).toISOString())).toEqual(fired.map((one) => one.tick!.toISOString()));
    expect((await scheduleRow(id))!.next_run_at).toEqual(new Date('2030-01-01T10:04:00Z'));
  });

  it('after a long outage runs the last missed tick once (run_last), or none (skip), and sends the skip', async () => {
    const now = new Date('2030-01-01T12:00:10Z');
    const runLast = await schedule({ cron: '0 * * * *', next: new Date('2030-01-01T08:00:00Z'), missed: 'run_last' });
    const skip = await schedule({ cron: '30 * * * *', next: new Date('2030-01-01T08:30:00Z'), missed: 'skip' });

    const fired = await fireDueSchedules(deps, { graceMs: grace, now: () => now });
    // The first outcome of each schedule.
    const byId = Object.fromEntries([...fired].reverse().map((one) => [one.scheduleId, one]));
    // run_last: 08:00 … 11:00 missed (12:00 is on time, and runs next): 11:00 runs, three are skipped.
    expect(byId[runLast]).toMatchObject({ outcome: 'created', tick: new Date('2030-01-01T11:00:00Z'), skipped: 3 });
    expect(byId[skip]).toEqual({ scheduleId: skip, orgId, outcome: 'skipped', tick: null, reason: 'missed', skipped: 4 });
    expect((await jobsOf(skip)).length).toBe(0);
    expect((await scheduleRow(skip))!.next_run_at).toEqual(new Date('2030-01-01T12:30:00Z'));
    // 12:00 of run_last was on time: it comes right after, in the same call.
    expect((await jobsOf(runLast)).map((job) => (job.scheduled_for as Date).toISOString())).toEqual(['2030-01-01T11:00:00.000Z']);
    expect(fired.filter((one) => one.scheduleId === runLast).map((one) => one.outcome)).toEqual(['created', 'skipped']);
    expect(await skips()).toEqual(
      expect.arrayContaining([
        { schedule_id: runLast, workflow_id: workflowId, tick: null, reason: 'missed', skipped_ticks: 3 },
        { schedule_id: skip, workflow_id: workflowId, tick: null, reason: 'missed', skipped_ticks: 4 },
        // 12:00 came while 11:00's job was still queued: skipped as an overlap.
        { schedule_id: runLast, workflow_id: workflowId, tick: '2030-01-01T12:00:00.000Z', reason: 'overlap', skipped_ticks: 1 },
      ]),
    );
  });

  it('skips a tick while the previous run is unfinished (overlap skip), and runs it anyway with overlap allow', async () => {
    const now = new Date('2030-01-01T10:00:30Z');
    const skipping = await schedule({ cron: '0 * * * *', next: new Date('2030-01-01T09:00:00Z'), overlap: 'skip' });
    const allowing = await schedule({ cron: '0 * * * *', next: new Date('2030-01-01T09:00:00Z'), overlap: 'allow' });
    // The 09:00 run is still going when 10:00 comes (grace of 2 h: both ticks are on time).
    const fired = await fireDueSchedules(deps, { graceMs: 2 * hour, now: () => now });
    expect(fired.filter((one) => one.scheduleId === skipping).map((one) => [one.outcome, one.tick?.toISOString()])).toEqual([
      ['created', '2030-01-01T09:00:00.000Z'],
      ['skipped', '2030-01-01T10:00:00.000Z'],
    ]);
    expect(fired.filter((one) => one.scheduleId === allowing).map((one) => [one.outcome, one.tick?.toISOString()])).toEqual([
      ['created', '2030-01-01T09:00:00.000Z'],
      ['created', '2030-01-01T10:00:00.000Z'],
    ]);
    expect((await jobsOf(skipping)).length).toBe(1);
    expect((await jobsOf(allowing)).length).toBe(2);
  });

  it('skips the tick of an org over quota (no job, the schedule moves on), and turns off a schedule whose workflow was deleted', async () => {
    const now = new Date('2030-01-01T10:00:30Z');
    const overQuota = await schedule({ cron: '0 * * * *', next: new Date('2030-01-01T10:00:00Z') });
    await q(`INSERT INTO quota_limits (org_id, render_seconds_limit) VALUES ($1, 1)`, [orgId]);
    const fired = await fireDueSchedules(deps, { graceMs: grace, now: () => now });
    expect(fired).toEqual([{ scheduleId: overQuota, orgId, outcome: 'skipped', tick: new Date('2030-01-01T10:00:00Z'), reason: 'QUOTA_EXCEEDED', skipped: 1 }]);
    expect(await jobsOf(overQuota)).toEqual([]);
    expect(await scheduleRow(overQuota)).toMatchObject({ enabled: true, next_run_at: new Date('2030-01-01T11:00:00Z'), run_count: 0 });
    expect(await skips()).toEqual([
      expect.objectContaining({
        schedule_id: overQuota,
        tick: '2030-01-01T10:00:00.000Z',
        reason: 'QUOTA_EXCEEDED',
        skipped_ticks: 1,
        message: expect.stringContaining('render_seconds'),
      }),
    ]);

    await q(`DELETE FROM quota_limits WHERE org_id = $1`, [orgId]);
    await q(`UPDATE workflows SET deleted_at = now() WHERE id = $1`, [workflowId]);
    const later = new Date('2030-01-01T11:00:30Z');
    const [off] = await fireDueSchedules(deps, { graceMs: grace, now: () => later });
    expect(off).toMatchObject({ scheduleId: overQuota, outcome: 'disabled', reason: expect.stringMatching(/^WORKFLOW_NOT_FOUND: /) });
    expect(await scheduleRow(overQuota)).toMatchObject({ enabled: false, next_run_at: null });
    expect((await skips()).at(-1)).toMatchObject({ schedule_id: overQuota, reason: 'WORKFLOW_NOT_FOUND', schedule_disabled: true });
    expect(await fireDueSchedules(deps, { graceMs: grace, now: () => new Date('2030-01-02T00:00:00Z') })).toEqual([]);
  });

  it('shares due schedules between concurrent firers without firing any tick twice', async () => {
    const now = new Date('2030-01-01T10:00:30Z');
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(await schedule({ cron: '0 * * * *', next: new Date('2030-01-01T10:00:00Z') }));
    const rounds = await Promise.all([1, 2, 3].map(() => fireDueSchedules(deps, { graceMs: grace, now: () => now })));
    const fired = rounds.flat();
    expect(fired.map((one) => one.scheduleId).sort()).toEqual([...ids].sort());
    expect(fired.every((one) => one.outcome === 'created')).toBe(true);
    const counts = await q<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE schedule_id IS NOT NULL GROUP BY schedule_id`);
    expect(counts.map((row) => row.n)).toEqual(ids.map(() => 1));
  });
});
