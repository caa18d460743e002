import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'bullmq';
import { createLogger } from '@fenta/core';
import { findFreePort, startRedisServer, type RunningRedis } from '@fenta/local-services';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@fenta/testing';
import { readWorkerEnv } from '../src/env';
import { renderWorkerCheck, startWorkerHealth } from '../src/start-worker-health';

const logger = createLogger({ service: 'worker-test', level: 'silent' });
const main = path.join(__dirname, '..', 'dist', 'main.js');

describe('worker health configuration', () => {
  const required = { DATABASE_URL: 'postgres://fenta@127.0.0.1:5432/fenta', REDIS_URL: 'redis://127.0.0.1:6379' };

  it('is off unless FENTA_HEALTH_PORT is set, and listens on loopback by default', () => {
    const env = readWorkerEnv(required);
    expect([env.FENTA_HEALTH_PORT, env.FENTA_HEALTH_HOST]).toEqual([undefined, '127.0.0.1']);
    expect(readWorkerEnv({ ...required, FENTA_HEALTH_PORT: '9464', FENTA_HEALTH_HOST: '0.0.0.0' })).toMatchObject({
      FENTA_HEALTH_PORT: 9464,
      FENTA_HEALTH_HOST: '0.0.0.0',
    });
    expect(() => readWorkerEnv({ ...required, FENTA_HEALTH_PORT: 'on' })).toThrow('Configuration is invalid: FENTA_HEALTH_PORT: must be a port number');
  });
});

describe('worker readiness', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    redis = await createTestRedis();
  });
  afterAll(async () => {
    await redis.cleanup();
    await database.drop();
  });

  it('reports the BullMQ worker running, then closing once it is asked to close', async () => {
    const worker = new Worker(`health-${redis.prefix}`, async () => undefined, { connection: { url: redis.url }, prefix: redis.prefix });
    try {
      expect(await renderWorkerCheck(worker)()).toBe('ok');
      await worker.close();
      expect(await renderWorkerCheck(worker)()).toBe('closing');
    } finally {
      await worker.close();
    }
  });

  it('starts no server without a port', async () => {
    const worker = new Worker(`health-${redis.prefix}`, async () => undefined, { connection: { url: redis.url }, prefix: redis.prefix, autorun: false });
    try {
      expect(await startWorkerHealth({ port: undefined, host: '127.0.0.1', db: database.db, redisUrl: redis.url, worker, logger })).toBeUndefined();
    } finally {
      await worker.close();
    }
  });

  it('serves /readyz: 200 while PostgreSQL, Redis and the worker are fine, 503 naming Redis once its server stops and the worker once it closes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fenta-worker-health-'));
    let server: RunningRedis | undefined = await startRedisServer({ dataDir: dir, port: await findFreePort(), appendOnly: false });
    const worker = new Worker(`health-${redis.prefix}`, async () => undefined, { connection: { url: redis.url }, prefix: redis.prefix });
    const port = await findFreePort();
    const health = await startWorkerHealth({ port, host: '127.0.0.1', db: database.db, redisUrl: server.url, worker, logger });
    try {
      const url = `http://127.0.0.1:${port}`;
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ok', checks: { postgres: 'ok', redis: 'ok', worker: 'ok' } });

      await server.stop();
      server = undefined;
      const noRedis = await fetch(`${url}/readyz`);
      expect(noRedis.status).toBe(503);
      expect(await noRedis.json()).toEqual({ status: 'unavailable', checks: { postgres: 'ok', redis: 'down', worker: 'ok' } });

      await worker.close();
      expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'unavailable', checks: { postgres: 'ok', redis: 'down', worker: 'closing' } });
      const alive = await fetch(`${url}/healthz`);
      expect(alive.status).toBe(200);
      expect(await alive.json()).toEqual({ status: 'ok' });
    } finally {
      await health?.close();
      await worker.close();
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** The wiring in main.ts, in the worker process as it runs in production. */
describe('worker process health endpoint', () => {
  let database: TestDatabase;
  let redis: RunningRedis;
  let dir: string;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    dir = await mkdtemp(path.join(tmpdir(), 'fenta-worker-health-process-'));
    await chmod(dir, 0o755);
    redis = await startRedisServer({ dataDir: path.join(dir, 'redis'), port: await findFreePort(), appendOnly: false });
  });
  afterAll(async () => {
    await redis.stop();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves /healthz and /readyz on FENTA_HEALTH_PORT, and exits 0 on SIGTERM', async () => {
    const port = await findFreePort();
    const child = spawn(process.execPath, [main], {
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: database.url,
        REDIS_URL: redis.url,
        FENTA_STORAGE_DIR: path.join(dir, 'storage'),
        FENTA_TEMP_DIR: path.join(dir, 'tmp'),
        FENTA_HEALTH_PORT: String(port),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/"msg":"worker ready"/.test(output)) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      void exited.then((code) => reject(new Error(`worker exited ${code} early:\n${output}`)));
    });
    expect(output).toContain(`"url":"http://127.0.0.1:${port}","msg":"health server listening"`);

    const alive = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect([alive.status, await alive.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ok', checks: { postgres: 'ok', redis: 'ok', worker: 'ok' } }]);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow('fetch failed');
  });
});
