import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FentaError } from '@fenta/core';
import { readJobRunState, type JobRunKey } from '@fenta/db';
import { claimRun } from '@fenta/jobs';
import { runJob } from '../../src/executor/run-job';
import { createNodeTestContext } from '../support/node-test-context';
import { createExecutorFixture, testGraph, type ExecutorFixture } from './executor-fixture';

/**
 * One run per job, one render per job: the run's lease in the jobs row is
 * what decides, whatever the queue delivers twice.
 */
describe('a run leases its job', () => {
  let fx: ExecutorFixture;
  const assertHeldFor = async (run: JobRunKey) => {
    if (!(await readJobRunState(fx.database.db, run)).held) throw new FentaError('JOB_LEASE_LOST', { job: run.jobId });
  };
  beforeEach(async () => {
    fx = await createExecutorFixture();
  });
  afterEach(() => fx.cleanup());

  const job = async (id: string) =>
    (await fx.database.query<Record<string, any>>(`SELECT status, run_token, lease_expires_at, retry_count, error, result FROM jobs WHERE id = $1`, [id]))[0]!;
  const count = async (sql: string, params: unknown[]) => (await fx.database.query<{ n: number }>(sql, params))[0]!.n;
  const gated = () => {
    let open!: () => void;
    fx.script.gate = new Promise<void>((resolve) => (open = resolve));
    const started = new Promise<void>((resolve) => (fx.script.blocked = resolve));
    return { open, started };
  };

  it('holds the job while it runs: a second run at the same time is told until when, and runs nothing', async () => {
    const jobId = await fx.insertJob(testGraph('Test.Gate'));
    const gate = gated();
    const first = runJob(fx.deps, { jobId, finalAttempt: true });
    await gate.started;
    const running = await job(jobId);
    expect(running).toMatchObject({ status: 'processing', run_token: expect.stringMatching(/^[0-9a-f-]{36}$/) });

    const second = await runJob(fx.deps, { jobId, finalAttempt: true });
    expect(second).toEqual({ status: 'held', until: running.lease_expires_at });
    gate.open();
    expect((await first).status).toBe('completed');
    expect(fx.script.calls).toEqual({ 'Test.Footage': 1, 'Test.Script': 1, 'Test.Gate': 1, 'Test.Render': 1 });
    expect(await job(jobId)).toMatchObject({ status: 'completed', run_token: null, lease_expires_at: null });
    expect(await runJob(fx.deps, { jobId, finalAttempt: true })).toEqual({ status: 'not-runnable', jobStatus: 'completed' });
  });

  it('a run whose lease was taken over stops at its next checkpoint and writes nothing: no checkpoint, no render, no delivery', async () => {
    await fx.database.query(`INSERT INTO webhooks (org_id, url, events, secret) VALUES ('org_x', 'https://hooks.example/x', ARRAY['render.succeeded'], 's')`);
    const jobId = await fx.insertJob(testGraph('Test.Gate'));
    const gate = gated();
    // The watch would notice within a poll; make the checkpoint the first to find out.
    const first = runJob({ ...fx.deps, cancelPollMs: 3_600_000 }, { jobId, finalAttempt: true });
    await gate.started;
    // What another worker does once this run's lease has run out (its event loop stalled, say): it claims the job.
    await fx.database.query(`UPDATE jobs SET run_token = 'another-run', lease_expires_at = now() + interval '1 minute' WHERE id = $1`, [jobId]);
    gate.open();
    expect(await first).toEqual({ status: 'lease-lost' });

    expect(await job(jobId)).toMatchObject({ status: 'processing', run_token: 'another-run', result: null });
    const [gateNode] = await fx.database.query(`SELECT status, output FROM job_nodes WHERE job_id = $1 AND node_id = 'c'`, [jobId]);
    expect(gateNode).toEqual({ status: 'running', output: null });
    expect(fx.script.calls['Test.Render']).toBeUndefined();
    expect(await count(`SELECT count(*)::int AS n FROM renders WHERE job_id = $1`, [jobId])).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM webhook_deliveries`, [])).toBe(0);
  });

  it('notices a lost lease while a node runs and stops the node at once', async () => {
    const jobId = await fx.insertJob(testGraph('Test.Block'));
    const started = new Promise<void>((resolve) => (fx.script.blocked = resolve));
    const first = runJob(fx.deps, { jobId, finalAttempt: true });
    await started;
    await fx.database.query(`UPDATE jobs SET run_token = 'another-run' WHERE id = $1`, [jobId]);
    expect(await first).toEqual({ status: 'lease-lost' });
    expect((await job(jobId)).run_token).toBe('another-run');
  });

  it('stops a run whose queue lock was lost and hands the job back without counting a retry', async () => {
    const jobId = await fx.insertJob(testGraph('Test.Block'));
    const started = new Promise<void>((resolve) => (fx.script.blocked = resolve));
    const lock = new AbortController();
    const run = runJob(fx.deps, { jobId, finalAttempt: true, lockSignal: lock.signal });
    await started;
    lock.abort('lock-lost');
    expect(await run).toEqual({ status: 'handed-back' });
    expect(await job(jobId)).toMatchObject({ status: 'queued', run_token: null, lease_expires_at: null, retry_count: 0 });
    const [node] = await fx.database.query(`SELECT status, error FROM job_nodes WHERE job_id = $1 AND node_id = 'c'`, [jobId]);
    expect(node).toEqual({ status: 'failed', error: { code: 'lock-lost' } });
    const warns = await fx.database.query(`SELECT message FROM job_logs WHERE job_id = $1 AND level = 'warn'`, [jobId]);
    expect(warns).toEqual([{ message: 'the queue lock on the job was lost: job handed back to the queue' }]);
  });

  it('refuses to store an artifact once the run no longer holds its job, and stores nothing', async () => {
    const jobId = await fx.insertJob(testGraph('Test.Gate'));
    const claim = await claimRun(fx.database.db, jobId, 60_000);
    if (!claim.claimed) throw new Error('not claimed');
    const test = await createNodeTestContext({ jobId, orgId: 'org_x', assertHeld: () => assertHeldFor(claim.run) });
    try {
      const file = path.join(test.ctx.tempDir, 'v.mp4');
      await writeFile(file, 'new run');
      expect((await test.ctx.saveArtifact('video.mp4', file, 'video/mp4')).key).toBe(`orgs/org_x/jobs/${jobId}/n1/video.mp4`);
      // Another run takes the job over; this one's next store is refused before it touches storage.
      await fx.database.query(`UPDATE jobs SET run_token = 'another-run' WHERE id = $1`, [jobId]);
      await writeFile(file, 'stale run');
      await expect(test.ctx.saveArtifact('video.mp4', file, 'video/mp4')).rejects.toMatchObject({ code: 'JOB_LEASE_LOST' });
      expect((await test.storage.getBytes(`orgs/org_x/jobs/${jobId}/n1/video.mp4`)).toString()).toBe('new run');
    } finally {
      await test.cleanup();
    }
  });

  it('never completes a job that was cancelled meanwhile: completion is guarded by status and lease', async () => {
    const jobId = await fx.insertJob(testGraph('Test.Gate'));
    const gate = gated();
    const first = runJob({ ...fx.deps, cancelPollMs: 3_600_000 }, { jobId, finalAttempt: true });
    await gate.started;
    await fx.database.query(`UPDATE jobs SET status = 'cancelled', run_token = NULL WHERE id = $1`, [jobId]);
    gate.open();
    expect(await first).toEqual({ status: 'lease-lost' });
    expect(await job(jobId)).toMatchObject({ status: 'cancelled', result: null });
    expect(await count(`SELECT count(*)::int AS n FROM renders WHERE job_id = $1`, [jobId])).toBe(0);
  });

  it('claims a processing job whose lease ran out (its worker died), counts the resurrection, and says so in the log', async () => {
    const jobId = await fx.insertJob(testGraph('Test.Block', { block: false }));
    await fx.database.query(`UPDATE jobs SET status = 'processing', run_token = 'dead-run', lease_expires_at = now() - interval '1 second' WHERE id = $1`, [
      jobId,
    ]);
    expect((await runJob(fx.deps, { jobId, finalAttempt: true })).status).toBe('completed');
    expect((await job(jobId)).retry_count).toBe(1);
    const warns = await fx.database.query(`SELECT message FROM job_logs WHERE job_id = $1 AND level = 'warn'`, [jobId]);
    expect(warns).toEqual([{ message: 'the previous run stopped without finishing; resuming (retry 1 of 3)' }]);
  });

  it('fails a job whose worker died on it for the third time with JOB_CRASHED_REPEATEDLY, a log line and a render.failed delivery', async () => {
    await fx.database.query(`INSERT INTO webhooks (org_id, url, events, secret) VALUES ('org_x', 'https://hooks.example/x', ARRAY['render.failed'], 's')`);
    const jobId = await fx.insertJob(testGraph('Test.Block', { block: false }));
    await fx.database.query(
      `UPDATE jobs SET status = 'processing', retry_count = 2, run_token = 'dead-run', lease_expires_at = now() - interval '1 second' WHERE id = $1`,
      [jobId],
    );
    const outcome = await runJob(fx.deps, { jobId, finalAttempt: false });
    expect(outcome).toMatchObject({ status: 'failed', retryable: false, error: { code: 'JOB_CRASHED_REPEATEDLY' } });
    expect(await job(jobId)).toMatchObject({
      status: 'failed',
      retry_count: 3,
      run_token: null,
      error: { code: 'JOB_CRASHED_REPEATEDLY', message: `Job ${jobId} stopped its worker 3 times without finishing; it is not run again` },
    });
    expect(fx.script.calls).toEqual({});
    const errors = await fx.database.query(`SELECT message FROM job_logs WHERE job_id = $1 AND level = 'error'`, [jobId]);
    expect(errors).toEqual([{ message: `Job ${jobId} stopped its worker 3 times without finishing; it is not run again` }]);
    expect(await count(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE event = 'render.failed'`, [])).toBe(1);
  });

  it('does not start a job of an org that is past its quota, whoever queued it', async () => {
    await fx.database.query(`INSERT INTO quota_limits (org_id, render_seconds_limit, render_seconds_used) VALUES ('org_x', 10, 10.5)`);
    const jobId = await fx.insertJob(testGraph('Test.Block', { block: false }));
    expect(await runJob(fx.deps, { jobId, finalAttempt: false })).toMatchObject({
      status: 'failed',
      retryable: false,
      error: {
        code: 'QUOTA_EXCEEDED',
        message: 'Org org_x has no render_seconds left in its quota for this period',
        details: { resources: ['render_seconds'] },
      },
    });
    expect(fx.script.calls).toEqual({});
  });

  it('keeps one render row per job and profile in the database itself', async () => {
    const jobId = await fx.insertJob(testGraph('Test.Block', { block: false }));
    expect((await runJob(fx.deps, { jobId, finalAttempt: true })).status).toBe('completed');
    await expect(fx.database.query(`INSERT INTO renders (job_id, video_url) VALUES ($1, 'file:///again.mp4')`, [jobId])).rejects.toMatchObject({
      code: '23505',
      constraint: 'renders_job_id_profile_key',
    });
  });
});
