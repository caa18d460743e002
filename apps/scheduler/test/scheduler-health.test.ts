import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@fenta/core';
import { createDatabase } from '@fenta/db';
import { findFreePort, startRedisServer, type RunningRedis } from '@fenta/local-services';
import { createRedisConnection } from '@fenta/queue';
import { createTestDatabase, type TestDatabase } from '@fenta/testing';
import { readSchedulerEnv } from '../src/env';
import { startSchedulerHealth } from '../src/start-scheduler-health';

const logger = createLogger({ service: 'scheduler-test', level: 'silent' });
const main = path.join(__dirname, '..', 'dist', 'main.js');

describe('scheduler health', () => {
  let database: TestDatabase;
  let redis: RunningRedis;
  let dir: string;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    dir = await mkdtemp(path.join(tmpdir(), 'fenta-scheduler-health-'));
    redis = await startRedisServer({ dataDir: path.join(dir, 'redis'), port: await findFreePort(), appendOnly: false });
  });
  afterAll(async () => {
    await redis.stop();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('is off unless FENTA_HEALTH_PORT is set', async () => {
    const env = readSchedulerEnv({ DATABASE_URL: database.url, REDIS_URL: redis.url });
    expect([env.FENTA_HEALTH_PORT, env.FENTA_HEALTH_HOST]).toEqual([undefined, '127.0.0.1']);
    const connection = createRedisConnection(redis.url);
    try {
      expect(await startSchedulerHealth({ port: undefined, host: '127.0.0.1', db: database.db, redis: connection, logger })).toBeUndefined();
    } finally {
      connection.disconnect();
    }
  });

  it('serves /readyz: 200 while PostgreSQL and Redis answer, 503 naming each that does not', async () => {
    const ownDir = await mkdtemp(path.join(tmpdir(), 'fenta-scheduler-redis-'));
    let own: RunningRedis | undefined = await startRedisServer({ dataDir: ownDir, port: await findFreePort(), appendOnly: false });
    const connection = createRedisConnection(own.url);
    connection.on('error', () => undefined);
    const unreachable = createDatabase<any>({ url: `postgres://fenta@127.0.0.1:${await findFreePort()}/fenta` });
    const port = await findFreePort();
    const health = await startSchedulerHealth({ port, host: '127.0.0.1', db: database.db, redis: connection, logger });
    const noPostgres = await startSchedulerHealth({ port: 0, host: '127.0.0.1', db: unreachable, redis: connection, logger });
    try {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect([ready.status, await ready.json()]).toEqual([200, { status: 'ok', checks: { postgres: 'ok', redis: 'ok' } }]);

      const withoutPostgres = await fetch(`${noPostgres!.url}/readyz`);
      expect([withoutPostgres.status, await withoutPostgres.json()]).toEqual([503, { status: 'unavailable', checks: { postgres: 'down', redis: 'ok' } }]);

      await own.stop();
      own = undefined;
      const withoutRedis = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect([withoutRedis.status, await withoutRedis.json()]).toEqual([503, { status: 'unavailable', checks: { postgres: 'ok', redis: 'down' } }]);
      const alive = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect([alive.status, await alive.json()]).toEqual([200, { status: 'ok' }]);
    } finally {
      await health?.close();
      await noPostgres?.close();
      await unreachable.destroy();
      connection.disconnect();
      await own?.stop();
      await rm(ownDir, { recursive: true, force: true });
    }
  });

  it('is wired in the scheduler process: served on FENTA_HEALTH_PORT, gone after SIGTERM', async () => {
    const port = await findFreePort();
    const child = spawn(process.execPath, [main], {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: database.url, REDIS_URL: redis.url, FENTA_HEALTH_PORT: String(port), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/"msg":"scheduler ready"/.test(output)) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      void exited.then((code) => reject(new Error(`scheduler exited ${code} early:\n${output}`)));
    });
    expect(output).toContain(`"url":"http://127.0.0.1:${port}","msg":"health server listening"`);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ok', checks: { postgres: 'ok', redis: 'ok' } }]);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow('fetch failed');
  });
});
