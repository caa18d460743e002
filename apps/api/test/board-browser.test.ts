import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type BrowserContext } from 'playwright-core';
import { createLogger } from '@fenta/core';
import { createRenderQueue, renderQueueName, type RenderQueue } from '@fenta/queue';
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from '@fenta/testing';
import { buildApp } from '../src/build-app';
import { settleRenderJob } from './render-queue-jobs';

// Debian's Chromium, which ./fenta installs; playwright-core never downloads a browser of its own.
const chromiumPath = '/usr/bin/chromium';
const logger = createLogger({ service: 'api-test', level: 'silent' });
const passwords = { operator: 'correct horse battery', viewer: 'staple lemon cloud' };

describe('Bull Board in a browser', () => {
  let database: TestDatabase;
  let redis: TestRedis;
  let queue: RenderQueue;
  let app: FastifyInstance;
  let origin: string;
  const profiles: string[] = [];
  const leftLoopback: string[] = [];

  beforeAll(async () => {
    // Not a skip: without the browser this test would prove nothing, so it fails and says how to get it.
    if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: ./fenta setup installs Debian's chromium package`);
    database = await createTestDatabase({ migrated: true });
    redis = await createTestRedis();
    queue = createRenderQueue({ connection: redis.redis, prefix: redis.prefix });
    app = await buildApp({
      db: database.db,
      redis: redis.redis,
      logger,
      queues: [queue],
      board: { ...passwords, throttle: { keyPrefix: `${redis.prefix}:board-login-failures:` } },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await queue?.close();
    await redis?.cleanup();
    await database?.drop();
    for (const profile of profiles) await rm(profile, { recursive: true, force: true });
  });

  /** A fresh Chromium logged in as `role`, which can reach nothing but the app. */
  async function browserAs(role: keyof typeof passwords): Promise<BrowserContext> {
    const profile = await mkdtemp(path.join(tmpdir(), 'fenta-chromium-'));
    profiles.push(profile);
    // Playwright takes the fresh profile as userDataDir and passes it as --user-data-dir.
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // No name resolves: whatever Chromium itself might still try cannot leave the machine.
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
      ],
      httpCredentials: { username: role, password: passwords[role], origin },
    });
    // The board's page links a web font from the internet; only the app's own origin is let through.
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin) return route.continue();
      leftLoopback.push(url);
      return route.abort();
    });
    return context;
  }

  it('shows the operator the render queue and its completed job, and refuses the viewer a retry with 403', async () => {
    const job = await settleRenderJob(queue, redis, 'completed');
    const jobPage = `${origin}/admin/queues/queue/${renderQueueName}?status=completed`;

    const operator = await browserAs('operator');
    try {
      const page = await operator.newPage();
      const loaded = await page.goto(jobPage);
      expect(loaded?.status()).toBe(200);
      await page.getByText(renderQueueName).first().waitFor({ timeout: 20_000 });
      await page.getByText(job.id!).first().waitFor({ timeout: 20_000 });
      const queues = await page.evaluate(async () => (await (await fetch('api/queues')).json()) as { queues: Array<{ name: string; readOnlyMode: boolean }> });
      expect(queues.queues[0]).toMatchObject({ name: renderQueueName, readOnlyMode: false });
    } finally {
      await operator.close();
    }

    const viewer = await browserAs('viewer');
    try {
      const page = await viewer.newPage();
      expect((await page.goto(jobPage))?.status()).toBe(200);
      await page.getByText(job.id!).first().waitFor({ timeout: 20_000 });
      // The viewer's page is told every queue is read-only, so the UI offers no retry;
      // the server is what refuses one, so it is asked from the page directly.
      const queues = await page.evaluate(async () => (await (await fetch('api/queues')).json()) as { queues: Array<{ name: string; readOnlyMode: boolean }> });
      expect(queues.queues[0]).toMatchObject({ name: renderQueueName, readOnlyMode: true });
      const answered = page.waitForResponse((response) => response.request().method() === 'PUT');
      const retry = await page.evaluate(async (url) => {
        const response = await fetch(url, { method: 'PUT' });
        return { status: response.status, body: (await response.json()) as { error: { code: string } } };
      }, `api/queues/${renderQueueName}/${job.id}/retry`);
      expect(retry).toMatchObject({ status: 403, body: { error: { code: 'BOARD_FORBIDDEN' } } });
      expect((await answered).status()).toBe(403);
    } finally {
      await viewer.close();
    }

    expect(await queue.getJobState(job.id!)).toBe('completed');
    // Only the font was asked for elsewhere, and it was never sent.
    expect(leftLoopback.every((url) => new URL(url).hostname.endsWith('fonts.googleapis.com'))).toBe(true);
  });
});
