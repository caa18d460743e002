import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@fenta/testing';
import { createRenderQueue, enqueueRender } from '@fenta/queue';
import { testGraph } from '../../../packages/pipeline/test/executor/executor-fixture';

const registerTs = path.join(__dirname, '..', '..', '..', 'test', 'register-ts.cjs');
const support = path.join(__dirname, 'support');

interface Child {
  process: ChildProcess;
  lines: AsyncIterator<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a TypeScript file of test/support as a process of its own and waits for its "ready" line. */
async function startChild(file: string, env: Record<string, string>): Promise<Child> {
  const child = spawn(process.execPath, ['-r', registerTs, path.join(support, file)], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.value !== 'ready') throw new Error(`${file} did not start: ${JSON.stringify(first)}`);
  return { process: child, lines, exited };
}

/**
 * One run per job, with real worker processes: two processes handed the same
 * job at once, and worker processes that die on a job again and again.
 */
describe('one run per job, across worker processes', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let dir: string;

  beforeEach(async () => {
    database = await createTestDatabase({ migrated: true });
    await database.query(`INSERT INTO users (id, email, password_hash, name) VALUES ('user_x', 'x@example.com', '!', 'X')`);
    await database.query(`INSERT INTO orgs (id, name, slug, owner_id) VALUES ('org_x', 'X', 'x', 'user_x')`);
    await database.query(
      `INSERT INTO webhooks (org_id, url, events, secret) VALUES ('org_x', 'https://hooks.example/x', ARRAY['render.succeeded', 'render.failed'], 's')`,
    );
    redis = await createTestRedis();
    dir = await mkdtemp(path.join(tmpdir(), 'fenta-one-run-'));
    await chmod(dir, 0o755);
  });
  afterEach(async () => {
    await redis.cleanup();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const insertJob = async (graph: unknown) =>
    (
      await database.query<{ id: string }>(`INSERT INTO jobs (org_id, created_by, config) VALUES ('org_x', 'user_x', $1) RETURNING id`, [
        JSON.stringify({ graph, variables: {} }),
      ])
    )[0]!.id;
  const count = async (text: string, params: unknown[] = []) => (await database.query<{ n: number }>(text, params))[0]!.n;

  it('two processes running the same job at the same moment: each node runs once, one render row, one delivery', async () => {
    const jobId = await insertJob(testGraph('Test.Gate'));
    const env = { DATABASE_URL: database.url, FENTA_TEST_DIR: dir, JOB_ID: jobId };
    const children = await Promise.all([startChild('run-job-child.ts', env), startChild('run-job-child.ts', env)]);
    const next = children.map((child) => child.lines.next());
    for (const child of children) child.process.stdin!.write('go\n');
    // The run that claims the job waits at its gate, so the other runs while it holds the job, and must find it held.
    const first = await Promise.race(next.map((line, index) => line.then(() => index)));
    for (const child of children) child.process.stdin!.write('open\n');
    const reports = await Promise.all(next.map(async (line) => JSON.parse((await line).value as string) as { status: string; calls: Record<string, number> }));
    await Promise.all(children.map((child) => child.exited));

    expect(reports[first]!.status).toBe('held');
    expect(reports[1 - first]!.status).toBe('completed');
    const calls: Record<string, number> = {};
    for (const report of reports) for (const [type, n] of Object.entries(report.calls)) calls[type] = (calls[type] ?? 0) + n;
    expect(calls).toEqual({ 'Test.Footage': 1, 'Test.Script': 1, 'Test.Gate': 1, 'Test.Render': 1 });
    expect(await database.query(`SELECT node_id, attempt FROM job_nodes WHERE job_id = $1 ORDER BY node_id`, [jobId])).toEqual([
      { node_id: 'a', attempt: 1 },
      { node_id: 'b', attempt: 1 },
      { node_id: 'c', attempt: 1 },
      { node_id: 'd', attempt: 1 },
    ]);
    expect(await count(`SELECT count(*)::int AS n FROM renders WHERE job_id = $1`, [jobId])).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE event = 'render.succeeded'`)).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM usage_records WHERE job_id = $1`, [jobId])).toBe(3);
  }, 60_000);

  it('a job whose node kills its worker three times ends failed with JOB_CRASHED_REPEATEDLY, not resurrected forever', async () => {
    const jobId = await insertJob(testGraph('Test.Crash'));
    const queue = createRenderQueue({ connection: redis.redis, prefix: redis.prefix });
    await enqueueRender(queue, jobId);
    await queue.close();
    const env = { DATABASE_URL: database.url, REDIS_URL: redis.url, FENTA_QUEUE_PREFIX: redis.prefix, FENTA_TEST_DIR: dir };
    const status = async () => (await database.query<{ status: string }>(`SELECT status FROM jobs WHERE id = $1`, [jobId]))[0]!.status;
    const watch = await watchJobStatus(database, jobId);
    const failed = watch.until('failed').then(() => undefined);

    // Each worker process takes the job (fresh, or after the dead one's lock and lease ran out) and dies on it.
    let kills = 0;
    while (kills < 10) {
      const worker = await startChild('render-worker-child.ts', env);
      const ended = await Promise.race([worker.exited, failed]);
      if (ended) {
        expect(ended.signal).toBe('SIGKILL');
        kills += 1;
        continue;
      }
      worker.process.kill('SIGTERM');
      await worker.exited;
      break;
    }
    await watch.close();
    expect(kills).toBe(3);
    expect(await status()).toBe('failed');
    const [job] = await database.query<Record<string, any>>(`SELECT retry_count, error, run_token FROM jobs WHERE id = $1`, [jobId]);
    expect(job).toEqual({
      retry_count: 3,
      run_token: null,
      error: {
        code: 'JOB_CRASHED_REPEATEDLY',
        message: `Job ${jobId} stopped its worker 3 times without finishing; it is not run again`,
        details: { running: ['c (Test.Crash)'] },
      },
    });
    const logs = await database.query<{ level: string; message: string }>(
      `SELECT level, message FROM job_logs WHERE job_id = $1 AND message NOT LIKE '%resumed from its checkpoint' ORDER BY id`,
      [jobId],
    );
    const run = (retry: number) => [
      ...(retry > 0 ? [{ level: 'warn', message: `the previous run stopped without finishing; resuming (retry ${retry} of 3)` }] : []),
      { level: 'info', message: 'c (Test.Crash) started' },
    ];
    expect(logs).toEqual([
      { level: 'info', message: 'a (Test.Footage) started' },
      { level: 'info', message: 'a (Test.Footage) done' },
      { level: 'info', message: 'b (Test.Script) started' },
      { level: 'info', message: 'wrote a script' },
      { level: 'info', message: 'b (Test.Script) done' },
      ...run(0),
      ...run(1),
      ...run(2),
      { level: 'error', message: `Job ${jobId} stopped its worker 3 times without finishing; it is not run again` },
    ]);
    expect(await count(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE event = 'render.failed'`)).toBe(1);
  }, 120_000);
});

/**
 * Tells when a job's status changes, from Postgres itself: a trigger in this
 * throwaway database notifies every status update, and `until` resolves on
 * the notification (or at once when the job already has that status).
 */
async function watchJobStatus(database: TestDatabase, jobId: string): Promise<{ until(status: string): Promise<void>; close(): Promise<void> }> {
  await database.query(`
    CREATE OR REPLACE FUNCTION test_notify_job_status() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM pg_notify('test_job_status', NEW.id || ' ' || NEW.status); RETURN NULL; END $$`);
  await database.query(
    `CREATE OR REPLACE TRIGGER test_notify_job_status AFTER UPDATE OF status ON jobs FOR EACH ROW EXECUTE FUNCTION test_notify_job_status()`,
  );
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query('LISTEN test_job_status');
  const waiting = new Map<string, Array<() => void>>();
  client.on('notification', (message) => {
    const [id, status] = (message.payload ?? '').split(' ');
    if (id !== jobId) return;
    for (const resolve of waiting.get(status!) ?? []) resolve();
    waiting.delete(status!);
  });
  return {
    async until(status) {
      const notified = new Promise<void>((resolve) => waiting.set(status, [...(waiting.get(status) ?? []), resolve]));
      const [row] = await database.query<{ status: string }>(`SELECT status FROM jobs WHERE id = $1`, [jobId]);
      if (row?.status !== status) await notified;
    },
    close: () => client.end(),
  };
}
