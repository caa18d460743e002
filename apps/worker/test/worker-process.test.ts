import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@fenta/core';
import { demoWorkflow, seedBuiltInTemplates } from '@fenta/db';
import { findFreePort, startRedisServer, type RunningRedis } from '@fenta/local-services';
import { builtInNodeDefinitionRegistry } from '@fenta/graph';
import { createJob } from '@fenta/jobs';
import { createRenderQueue } from '@fenta/queue';
import { createTestDatabase, type TestDatabase } from '@fenta/testing';

const main = path.join(__dirname, '..', 'dist', 'main.js');

/**
 * The worker as it runs in production, a process of its own: SIGTERM while a
 * job runs and Redis is gone must still hand the job back and exit promptly.
 */
describe('worker process', () => {
  let database: TestDatabase;
  let redis: RunningRedis;
  let dir: string;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    await database.query(`INSERT INTO users (id, email, password_hash, name) VALUES ('user_w', 'w@example.com', '!', 'W')`);
    await database.query(`INSERT INTO orgs (id, name, slug, owner_id) VALUES ('org_w', 'W', 'w', 'user_w')`);
    await seedBuiltInTemplates(database.db);
    dir = await mkdtemp(path.join(tmpdir(), 'fenta-worker-process-'));
    await chmod(dir, 0o755);
    redis = await startRedisServer({ dataDir: path.join(dir, 'redis'), port: await findFreePort(), appendOnly: false });
  });
  afterAll(async () => {
    await redis.stop();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('on SIGTERM with Redis unreachable, hands the running job back (queued) and exits 0 within the grace period', async () => {
    const queue = createRenderQueue({ connection: { url: redis.url } });
    const { job } = await createJob(
      { db: database.db, queue, registry: builtInNodeDefinitionRegistry, logger: createLogger({ service: 'test', level: 'silent' }) },
      { orgId: 'org_w', createdBy: 'user_w', workflowId: undefined, graph: demoWorkflow.graph },
    );
    await queue.close();

    const child = spawn(process.execPath, [main], {
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: database.url,
        REDIS_URL: redis.url,
        FENTA_STORAGE_DIR: path.join(dir, 'storage'),
        FENTA_TEMP_DIR: path.join(dir, 'tmp'),
        FENTA_WORKER_GRACE_MS: '200',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // The first node logs as it works (footage being drawn): the job is running.
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/"nodeId":"n1"/.test(output)) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      void exited.then((code) => reject(new Error(`worker exited ${code} early:\n${output}`)));
    });
    expect((await database.query(`SELECT status FROM jobs WHERE id = $1`, [job.id]))[0]).toEqual({ status: 'processing' });

    await redis.stop();
    const started = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // Grace 0.2 s + at most 5 s for the hand-back + at most 2 s closing.
    expect(Date.now() - started).toBeLessThan(9_000);
    expect((await database.query(`SELECT status FROM jobs WHERE id = $1`, [job.id]))[0]).toEqual({ status: 'queued' });
    const [node] = await database.query(`SELECT node_id, status FROM job_nodes WHERE job_id = $1 AND status <> 'completed'`, [job.id]);
    expect(node).toEqual({ node_id: 'n1', status: 'failed' });
  });
});
