import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { issueWebhookSecret } from '@fenta/core';
import { seedDemoOrg } from '@fenta/db';
import { findFreePort, startRedisServer, type RunningRedis } from '@fenta/local-services';
import { createTestDatabase, type TestDatabase } from '@fenta/testing';

const main = path.join(__dirname, '..', 'dist', 'main.js');

/**
 * Two scheduler processes sending the same backlog of deliveries to one
 * receiver: each delivery arrives exactly once, signed, and is recorded as
 * delivered after one attempt.
 */
describe('webhook delivery by several schedulers', () => {
  let database: TestDatabase;
  let dir: string;
  let redis: RunningRedis;
  let server: http.Server;
  const received: Array<{ id: string; body: string; headers: Record<string, string> }> = [];
  const children: Array<{ child: ChildProcess; exited: Promise<number | null> }> = [];

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    await seedDemoOrg(database.db);
    dir = await mkdtemp(path.join(tmpdir(), 'fenta-webhook-processes-'));
    redis = await startRedisServer({ dataDir: path.join(dir, 'redis'), port: await findFreePort(), appendOnly: false });
  });
  afterAll(async () => {
    for (const { child } of children) if (child.exitCode === null) child.kill('SIGKILL');
    await Promise.all(children.map(({ exited }) => exited));
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await redis.stop();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends each of 60 deliveries once when two schedulers race for them', async () => {
    const total = 60;
    let allReceived!: () => void;
    const done = new Promise<void>((resolve) => (allReceived = resolve));
    // Each scheduler logs "webhook delivered" once it has recorded the success.
    let delivered = 0;
    let allRecorded!: () => void;
    const recorded = new Promise<void>((resolve) => (allRecorded = resolve));
    server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ id: String(request.headers['webhook-id']), body, headers: request.headers as Record<string, string> });
        // A receiver that takes a moment keeps several attempts in flight at once.
        setTimeout(() => response.writeHead(200).end('ok'), 20);
        if (received.length === total) allReceived();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    const secret = issueWebhookSecret();
    await database.query(`INSERT INTO webhooks (org_id, url, events, secret) VALUES ('org_demo', $1, '{render.succeeded}', $2)`, [url, secret]);
    await database.query(
      `SELECT fenta_enqueue_webhook_deliveries('org_demo', 'render.succeeded', jsonb_build_object('n', n)) FROM generate_series(1, $1) AS n`,
      [total],
    );

    for (let index = 0; index < 2; index += 1) {
      const child = spawn(process.execPath, [main], {
        env: {
          PATH: process.env.PATH ?? '',
          DATABASE_URL: database.url,
          REDIS_URL: redis.url,
          FENTA_WEBHOOK_POLL_MS: '100',
          FENTA_WEBHOOK_CONCURRENCY: '4',
          FENTA_ALLOW_LOOPBACK_URLS: 'true',
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      child.stdout!.on('data', (chunk: Buffer) => {
        delivered += chunk
          .toString()
          .split('\n')
          .filter((line) => line.includes('"webhook delivered"')).length;
        if (delivered >= total) allRecorded();
      });
      children.push({ child, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) });
    }
    await Promise.all([done, recorded]);
    for (const { child } of children) child.kill('SIGTERM');
    expect(await Promise.all(children.map(({ exited }) => exited))).toEqual([0, 0]);

    expect(received).toHaveLength(total);
    const rows = await database.query<{ id: string; status: string; attempts: number }>(`SELECT id, status, attempts FROM webhook_deliveries ORDER BY id`);
    expect(new Set(received.map((request) => request.id))).toEqual(new Set(rows.map((row) => row.id)));
    expect(rows.every((row) => row.status === 'success' && row.attempts === 1)).toBe(true);
    for (const request of received) expect(() => new Webhook(secret).verify(request.body, request.headers)).not.toThrow();
  }, 60_000);

  it('refuses FENTA_ALLOW_LOOPBACK_URLS in production before it starts', async () => {
    const child = spawn(process.execPath, [main], {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: database.url, REDIS_URL: redis.url, NODE_ENV: 'production', FENTA_ALLOW_LOOPBACK_URLS: 'true' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('FENTA_ALLOW_LOOPBACK_URLS: must not be true when NODE_ENV=production');
  });
});
