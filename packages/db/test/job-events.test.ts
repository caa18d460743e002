import pg from 'pg';
import { createLogger } from '@fenta/core';
import {
  claimJobRun,
  completeJobNode,
  createJobEventListener,
  failJobNode,
  markJobCancelled,
  markJobFailed,
  markJobQueued,
  readMigrationFiles,
  renewJobLease,
  startJobNode,
  updateJobProgress,
  addJobCosts,
  type JobEventListener,
  type JobRunKey,
} from '@fenta/db';
import { insertOrg, insertUser } from './org-fixture';
import { createTestDatabase, type TestDatabase } from './test-database';

const silent = createLogger({ service: 'job-events-test', level: 'silent' });

/** Resolves at the next call of the returned callback. */
function nextCall(): { callback: () => void; called: () => Promise<void> } {
  let waiters: Array<() => void> = [];
  return {
    callback: () => {
      const now = waiters;
      waiters = [];
      for (const resolve of now) resolve();
    },
    called: () => new Promise<void>((resolve) => waiters.push(resolve)),
  };
}

describe('job events (00014)', () => {
  let database: TestDatabase;
  let orgId: string;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    const user = await insertUser(database.query, 'events');
    ({ orgId } = await insertOrg(database.query, 'events', user, { [user]: 'owner' }));
    // Jobs of these tests stay processing; the org may run all of them at once (00018).
    await database.query(`UPDATE orgs SET settings = '{"max_concurrent_jobs": 1000}' WHERE id = $1`, [orgId]);
  });
  afterAll(async () => {
    await database.drop();
  });

  const newJob = async () => (await database.query<{ id: string }>(`INSERT INTO jobs (org_id, config) VALUES ($1, '{}') RETURNING id`, [orgId]))[0]!.id;
  const claim = async (jobId: string, token = 'run-1'): Promise<JobRunKey> => {
    const outcome = await claimJobRun(database.db, { jobId, token, leaseMs: 60_000 });
    expect(outcome.claimed).toBe(true);
    return { jobId, orgId, token };
  };
  const events = (jobId: string) =>
    database.query<{ seq: number; type: string; data: Record<string, unknown> }>(`SELECT seq, type, data FROM job_events WHERE job_id = $1 ORDER BY seq`, [
      jobId,
    ]);

  it("records a run's changes in order, numbered from 1, and says nothing of lease renewals and costs", async () => {
    const jobId = await newJob();
    const run = await claim(jobId);
    await startJobNode(database.db, run, { nodeId: 'n1', nodeType: 'Input.Stock' });
    await updateJobProgress(database.db, run, 12.4);
    await renewJobLease(database.db, run, 60_000);
    await addJobCosts(database.db, run, { tokens: 10, renderSeconds: 0, kaiCredits: 0, usd: 0.01 }, 60_000);
    await completeJobNode(database.db, { jobId, orgId, nodeId: 'n1', output: { kind: 'footage' }, costUsd: 0.25, usage: [], durationMs: 40 });
    // Lower than before (a node tried again from its start): the job's progress stays, and no event says otherwise.
    await updateJobProgress(database.db, run, 3);
    await updateJobProgress(database.db, run, 12);
    await startJobNode(database.db, run, { nodeId: 'n2', nodeType: 'Script.Generate' });
    await failJobNode(database.db, run, { nodeId: 'n2', error: { code: 'PROVIDER_ERROR' }, durationMs: 7 });
    await markJobFailed(database.db, run, { code: 'PROVIDER_ERROR', message: 'boom', node: 'n2' });

    expect(await events(jobId)).toEqual([
      { seq: 1, type: 'job.started', data: { status: 'processing', retry_count: 0 } },
      { seq: 2, type: 'node.started', data: { node_id: 'n1', node_type: 'Input.Stock', attempt: 1 } },
      { seq: 3, type: 'progress', data: { progress: 12 } },
      { seq: 4, type: 'node.finished', data: { node_id: 'n1', node_type: 'Input.Stock', attempt: 1, duration_ms: 40, cost_usd: 0.25 } },
      { seq: 5, type: 'node.started', data: { node_id: 'n2', node_type: 'Script.Generate', attempt: 1 } },
      { seq: 6, type: 'node.failed', data: { node_id: 'n2', node_type: 'Script.Generate', attempt: 1, duration_ms: 7, error: { code: 'PROVIDER_ERROR' } } },
      { seq: 7, type: 'job.failed', data: { status: 'failed', error: { code: 'PROVIDER_ERROR', message: 'boom', node: 'n2' } } },
    ]);
    expect((await database.query(`SELECT progress FROM jobs WHERE id = $1`, [jobId]))[0]).toEqual({ progress: 12 });
  });

  it('records a hand-back, the next run, a retried node and a cancel', async () => {
    const jobId = await newJob();
    const first = await claim(jobId, 'run-1');
    await startJobNode(database.db, first, { nodeId: 'n1', nodeType: 'Input.Stock' });
    await markJobQueued(database.db, first, { retry: { error: { code: 'DB_UNREACHABLE' } } });
    const second = await claim(jobId, 'run-2');
    await startJobNode(database.db, second, { nodeId: 'n1', nodeType: 'Input.Stock' });
    await markJobCancelled(database.db, second);
    expect((await events(jobId)).map((event) => [event.seq, event.type, event.data])).toEqual([
      [1, 'job.started', { status: 'processing', retry_count: 0 }],
      [2, 'node.started', { node_id: 'n1', node_type: 'Input.Stock', attempt: 1 }],
      [3, 'job.requeued', { status: 'queued', retry_count: 1, error: { code: 'DB_UNREACHABLE' } }],
      [4, 'job.started', { status: 'processing', retry_count: 1 }],
      [5, 'node.started', { node_id: 'n1', node_type: 'Input.Stock', attempt: 2 }],
      [6, 'job.cancelled', { status: 'cancelled', error: { code: 'JOB_CANCELLED', message: `Job ${jobId} was cancelled` } }],
    ]);
  });

  it('writes nothing for a change that rolls back', async () => {
    const jobId = await newJob();
    await database.db
      .transaction()
      .execute(async (trx) => {
        await trx.updateTable('jobs').set({ status: 'cancelled' }).where('id', '=', jobId).execute();
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    expect(await events(jobId)).toEqual([]);
  });

  it('numbers the events of two racing transactions in the order they commit', async () => {
    const jobId = await newJob();
    await claim(jobId);
    const a = new pg.Client({ connectionString: database.url });
    const b = new pg.Client({ connectionString: database.url });
    await Promise.all([a.connect(), b.connect()]);
    try {
      await a.query('BEGIN');
      await b.query('BEGIN');
      // b appends first but commits last: b waits for a's lock on the job, then numbers its event after a's.
      await b.query(`INSERT INTO job_nodes (job_id, org_id, node_id, node_type, status, attempt) VALUES ($1, $2, 'late', 'X', 'pending', 0)`, [jobId, orgId]);
      await a.query(`UPDATE jobs SET progress = 50 WHERE id = $1`, [jobId]);
      const [{ pid }] = (await b.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows as [{ pid: number }];
      const bStarts = b.query(`UPDATE job_nodes SET status = 'running', attempt = 1 WHERE job_id = $1 AND node_id = 'late'`, [jobId]);
      await untilWaitingForLock(pid);
      await a.query('COMMIT');
      await bStarts;
      await b.query('COMMIT');
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
    expect((await events(jobId)).map((event) => `${event.seq} ${event.type}`)).toEqual(['1 job.started', '2 progress', '3 node.started']);
  });

  /** Resolves once the backend `pid` waits for a lock (PostgreSQL has no event to wait on for that, so this asks). */
  async function untilWaitingForLock(pid: number): Promise<void> {
    for (let tries = 0; tries < 500; tries += 1) {
      const [row] = await database.query<{ wait: string | null }>(`SELECT wait_event_type AS wait FROM pg_stat_activity WHERE pid = $1`, [pid]);
      if (row?.wait === 'Lock') return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`backend ${pid} never waited for a lock`);
  }

  it('keeps tenants out of the append function', async () => {
    const [row] = await database.query<Record<string, boolean>>(`
      SELECT has_function_privilege('fenta_app', 'fenta_append_job_event(text, text, text, jsonb)', 'EXECUTE') AS fenta_app,
             has_function_privilege('public', 'fenta_append_job_event(text, text, text, jsonb)', 'EXECUTE') AS public`);
    expect(row).toEqual({ fenta_app: false, public: false });
  });

  describe('the shared listener', () => {
    let listener: JobEventListener;
    let name: string;
    let listeners = 0;
    beforeEach(() => {
      // A name of its own, so a closed listener of an earlier test still leaving pg_stat_activity is not counted.
      name = `fenta-events-test-${++listeners}`;
      listener = createJobEventListener({ url: database.url, logger: silent, applicationName: name, reconnectDelayMs: 20 });
    });
    afterEach(() => listener.close());

    it('wakes the followers of a job when its event commits, and only them', async () => {
      const [jobId, other] = [await newJob(), await newJob()];
      const woken = nextCall();
      const elsewhere: string[] = [];
      await listener.subscribe(jobId, woken.callback);
      await listener.subscribe(other, () => elsewhere.push('woken'));
      const wake = woken.called();
      await claim(jobId);
      await wake;
      expect(elsewhere).toEqual([]);
    });

    it('opens one connection for every follower, and stops waking one that unsubscribed', async () => {
      const jobId = await newJob();
      const seen: string[] = [];
      const last = nextCall();
      const unsubscribe = await listener.subscribe(jobId, () => seen.push('first'));
      await listener.subscribe(jobId, () => {
        seen.push('second');
        last.callback();
      });
      expect(await database.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1`, [name])).toEqual([{ n: 1 }]);
      unsubscribe();
      const woken = last.called();
      await claim(jobId);
      await woken;
      expect(seen).toEqual(['second']);
    });

    it('comes back after its connection is dropped, waking every follower to read again', async () => {
      const jobId = await newJob();
      const woken = nextCall();
      await listener.subscribe(jobId, woken.callback);
      const afterReconnect = woken.called();
      await database.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [name]);
      // The wake that says "read again": what was notified while the connection was down is lost.
      await afterReconnect;
      const next = woken.called();
      await claim(jobId);
      await next;
    });

    it('refuses to subscribe when PostgreSQL cannot be reached, as DB_UNREACHABLE', async () => {
      const unreachable = createJobEventListener({ url: 'postgres://nobody@127.0.0.1:1/none', logger: silent });
      await expect(unreachable.subscribe('job_x', () => undefined)).rejects.toMatchObject({ code: 'DB_UNREACHABLE' });
      await unreachable.close();
    });
  });

  it("refuses a render whose files lie outside its job's org", async () => {
    const jobId = await newJob();
    await expect(
      database.query(`INSERT INTO renders (job_id, video_url, thumbnail_storage_path) VALUES ($1, 'https://x', 'orgs/org_else/jobs/j/t.jpg')`, [jobId]),
    ).rejects.toMatchObject({ code: '23514', constraint: 'renders_storage_path_check' });
    await database.query(`INSERT INTO renders (job_id, video_url, video_storage_path) VALUES ($1, 'https://x', $2)`, [
      jobId,
      `orgs/${orgId}/jobs/${jobId}/v.mp4`,
    ]);
  });
});

describe('00014 on a database with renders made before it', () => {
  it("takes the thumbnail and captions keys of existing renders from their job's result, when they are the org's", async () => {
    const database = await createTestDatabase({ migrated: false });
    try {
      const files = await readMigrationFiles();
      const before = files.filter((file) => file.name < '00014');
      for (const file of before) await database.query(file.sql);
      const user = await insertUser(database.query, 'legacy');
      const { orgId } = await insertOrg(database.query, 'legacy', user, { [user]: 'owner' });
      const key = (name: string) => `orgs/${orgId}/jobs/j/${name}`;
      const insert = async (result: unknown) => {
        const [job] = await database.query<{ id: string }>(
          `INSERT INTO jobs (org_id, config, status, result) VALUES ($1, '{}', 'completed', $2) RETURNING id`,
          [orgId, JSON.stringify(result)],
        );
        await database.query(`INSERT INTO renders (job_id, video_url, video_storage_path) VALUES ($1, 'file:///v.mp4', $2)`, [job!.id, key('video.mp4')]);
        return job!.id;
      };
      const kept = await insert({ thumbnail_key: key('thumbnail.jpg'), srt_key: key('captions.srt') });
      const foreign = await insert({ thumbnail_key: 'orgs/org_other/x.jpg', srt_key: '../../etc/passwd' });
      await database.query(files.find((file) => file.name.startsWith('00014'))!.sql);
      const rows = await database.query(`SELECT job_id, thumbnail_storage_path, srt_storage_path FROM renders ORDER BY id`);
      expect(rows).toEqual([
        { job_id: kept, thumbnail_storage_path: key('thumbnail.jpg'), srt_storage_path: key('captions.srt') },
        { job_id: foreign, thumbnail_storage_path: null, srt_storage_path: null },
      ]);
    } finally {
      await database.drop();
    }
  });
});
