import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { isSealedSecret, openSecret, webhookEvents, webhookSecretContext } from '@fenta/core';
import { buildApp } from '../src/build-app';
import { silentLogger, startApiTestbed, type ApiTestbed, type TestCaller } from './api-fixture';

// Endpoints are public literal addresses: creating a webhook checks its URL and sends nothing.
const endpoint = 'https://93.184.216.34/fenta-hooks';

interface WebhookBody {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  disabled_at: string | null;
  disabled_reason: string | null;
  failing_since: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

describe('webhooks', () => {
  let bed: ApiTestbed;
  let owner: TestCaller;
  let other: TestCaller;
  let unsealedApp: FastifyInstance;
  const secretsKey = randomBytes(32);

  beforeAll(async () => {
    bed = await startApiTestbed({ webhooks: { secretsKey } });
    owner = await bed.newOrg('hooks-alpha');
    other = await bed.newOrg('hooks-beta');
    unsealedApp = await buildApp({ db: bed.database.db, redis: bed.redis.redis, logger: silentLogger, queues: [] });
  });
  afterAll(async () => {
    await unsealedApp.close();
    await bed.close();
  });

  const call = (caller: TestCaller, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, app = bed.app) =>
    app.inject({ method, url, headers: caller.headers, ...(payload ? { payload } : {}) });
  const errorOf = (response: { json(): unknown }) => (response.json() as { error: { code: string; message: string; details?: unknown } }).error;
  const create = async (caller: TestCaller, payload: object = { url: endpoint, events: ['render.succeeded'] }, app = bed.app) => {
    const response = await call(caller, 'POST', '/v1/webhooks', payload, app);
    expect(response.statusCode).toBe(201);
    return response.json() as { webhook: WebhookBody; secret: string };
  };
  const storedSecretOf = async (id: string) => (await bed.database.query<{ secret: string }>(`SELECT secret FROM webhooks WHERE id = $1`, [id]))[0]!.secret;

  it('creates a webhook and shows its Standard Webhooks secret once, sealed at rest', async () => {
    const response = await call(owner, 'POST', '/v1/webhooks', { url: endpoint, events: ['render.succeeded', 'render.failed'] });
    expect(response.statusCode).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    const { webhook, secret } = response.json() as { webhook: WebhookBody; secret: string };
    expect(webhook).toEqual({
      id: expect.stringMatching(/^hook_[0-9a-f-]{36}$/) as unknown,
      url: endpoint,
      events: ['render.succeeded', 'render.failed'],
      enabled: true,
      disabled_at: null,
      disabled_reason: null,
      failing_since: null,
      created_by: owner.userId,
      created_at: webhook.created_at,
      updated_at: webhook.updated_at,
    });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);

    const stored = await storedSecretOf(webhook.id);
    expect(isSealedSecret(stored)).toBe(true);
    expect(stored).not.toContain(secret.slice('whsec_'.length));
    expect(openSecret(stored, secretsKey, webhookSecretContext(webhook.id))).toBe(secret);

    // Never again: not in the webhook, the list, or the audit trail.
    const read = await call(owner, 'GET', `/v1/webhooks/${webhook.id}`);
    expect(read.json()).toEqual({ webhook });
    const list = await call(owner, 'GET', '/v1/webhooks');
    expect(list.body).not.toContain('whsec_');
    expect((list.json() as { data: WebhookBody[] }).data).toContainEqual(webhook);
    const audit = await bed.database.query<{ action: string; changes: string }>(`SELECT action, changes::text FROM audit_logs WHERE resource_id = $1`, [
      webhook.id,
    ]);
    expect(audit.map((a) => a.action)).toEqual(['create']);
    expect(audit[0]!.changes).not.toMatch(/whsec_|sealed:|secret/);
  });

  it('keeps the secret column from every tenant, whatever their role', async () => {
    const { webhook } = await create(owner);
    for (const member of [owner, await bed.member(owner, 'viewer')]) {
      await expect(bed.database.withUser(member.userId, (query) => query(`SELECT secret FROM webhooks WHERE id = $1`, [webhook.id]))).rejects.toMatchObject({
        code: '42501',
      });
      await expect(bed.database.withUser(member.userId, (query) => query(`SELECT * FROM webhooks WHERE id = $1`, [webhook.id]))).rejects.toMatchObject({
        code: '42501',
      });
    }
    const visible = await bed.database.withUser(owner.userId, (query) => query(`SELECT id, url FROM webhooks WHERE id = $1`, [webhook.id]));
    expect(visible).toEqual([{ id: webhook.id, url: endpoint }]);
  });

  it('stores the secret as it is when no FENTA_SECRETS_KEY is set', async () => {
    const { webhook, secret } = await create(owner, undefined, unsealedApp);
    expect(await storedSecretOf(webhook.id)).toBe(secret);
  });

  it('rotates the secret: the new one is shown once, the old one signs beside it for 24 hours, and the rotation is audited without either', async () => {
    const { webhook, secret: first } = await create(owner);
    const response = await call(owner, 'POST', `/v1/webhooks/${webhook.id}/rotate-secret`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const rotated = response.json() as { webhook: WebhookBody; secret: string };
    expect(rotated.webhook).toEqual({ ...webhook, updated_at: rotated.webhook.updated_at });
    expect(rotated.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(rotated.secret).not.toBe(first);
    expect(openSecret(await storedSecretOf(webhook.id), secretsKey, webhookSecretContext(webhook.id))).toBe(rotated.secret);
    const [previous] = await bed.database.query<{ previous_secret: string; hours: number }>(
      `SELECT previous_secret, round(extract(epoch FROM previous_secret_expires_at - updated_at) / 3600) AS hours FROM webhooks WHERE id = $1`,
      [webhook.id],
    );
    expect(openSecret(previous!.previous_secret, secretsKey, webhookSecretContext(webhook.id))).toBe(first);
    expect(Number(previous!.hours)).toBe(24);
    expect((await call(owner, 'GET', `/v1/webhooks/${webhook.id}`)).body).not.toContain('whsec_');
    const audit = await bed.database.query<{ action: string; changes: unknown }>(
      `SELECT action, changes FROM audit_logs WHERE resource_id = $1 AND action = 'rotate_secret'`,
      [webhook.id],
    );
    expect(audit).toEqual([{ action: 'rotate_secret', changes: {} }]);
  });

  it('does not open a sealed secret copied into another webhook', async () => {
    const a = await create(owner);
    const b = await create(owner);
    const sealedA = await storedSecretOf(a.webhook.id);
    expect(() => openSecret(sealedA, secretsKey, webhookSecretContext(b.webhook.id))).toThrow(expect.objectContaining({ code: 'SECRET_UNREADABLE' }) as Error);
  });

  it('subscribes only to the known events, each once', async () => {
    expect((await create(owner, { url: endpoint, events: [...webhookEvents] })).webhook.events).toEqual([
      'render.succeeded',
      'render.preview_ready',
      'render.failed',
      'workflow.run.finished',
      'job.progress',
      'schedule.skipped',
      'webhook.disabled',
    ]);
    for (const [events, path] of [
      [['render.started'], 'body.events[0]'],
      [[], 'body.events'],
      [['render.failed', 'render.failed'], 'body.events'],
    ] as const) {
      const response = await call(owner, 'POST', '/v1/webhooks', { url: endpoint, events });
      expect(response.statusCode).toBe(400);
      expect((errorOf(response).details as { problems: Array<{ path: string }> }).problems.map((problem) => problem.path)).toEqual([path]);
    }
    const unknownEvent = await call(owner, 'POST', '/v1/webhooks', { url: endpoint, events: ['render.started'] });
    expect(errorOf(unknownEvent).details).toEqual({
      problems: [
        {
          path: 'body.events[0]',
          message:
            'must be one of: render.succeeded, render.preview_ready, render.failed, workflow.run.finished, job.progress, schedule.skipped, webhook.disabled',
        },
      ],
    });
    const unknownField = await call(owner, 'POST', '/v1/webhooks', { url: endpoint, events: ['render.failed'], secret: 'whsec_mine' });
    expect(errorOf(unknownField)).toMatchObject({ code: 'REQUEST_INVALID', details: { problems: [expect.objectContaining({ path: 'body.secret' })] } });
  });

  it('changes events and enabled, auditing before and after', async () => {
    const { webhook } = await create(owner);
    const response = await call(owner, 'PATCH', `/v1/webhooks/${webhook.id}`, { events: ['schedule.skipped'], enabled: false });
    expect(response.statusCode).toBe(200);
    expect((response.json() as { webhook: WebhookBody }).webhook).toMatchObject({
      id: webhook.id,
      url: endpoint,
      events: ['schedule.skipped'],
      enabled: false,
    });
    const audit = await bed.database.query(
      `SELECT changes->'before'->'events' AS before, changes->'after'->'enabled' AS enabled FROM audit_logs WHERE resource_id = $1 AND action = 'update'`,
      [webhook.id],
    );
    expect(audit).toEqual([{ before: ['render.succeeded'], enabled: false }]);
    expect(errorOf(await call(owner, 'PATCH', `/v1/webhooks/${webhook.id}`, {})).code).toBe('REQUEST_INVALID');
  });

  it('deletes a webhook with its deliveries', async () => {
    const { webhook } = await create(owner);
    await bed.database.query(`INSERT INTO webhook_deliveries (webhook_id, event, payload) VALUES ($1, 'render.succeeded', '{}')`, [webhook.id]);
    const response = await call(owner, 'DELETE', `/v1/webhooks/${webhook.id}`);
    expect(response.statusCode).toBe(204);
    expect(await bed.database.query(`SELECT id FROM webhooks WHERE id = $1`, [webhook.id])).toEqual([]);
    expect(await bed.database.query(`SELECT id FROM webhook_deliveries WHERE webhook_id = $1`, [webhook.id])).toEqual([]);
    expect((await call(owner, 'GET', `/v1/webhooks/${webhook.id}`)).statusCode).toBe(404);
  });

  it("answers another org's webhook exactly like a missing one, and leaves it alone", async () => {
    const theirs = await create(other);
    const before = await storedSecretOf(theirs.webhook.id);
    for (const [method, url, payload] of [
      ['GET', '', undefined],
      ['PATCH', '', { enabled: false }],
      ['DELETE', '', undefined],
      ['POST', '/rotate-secret', undefined],
    ] as const) {
      const foreign = await call(owner, method, `/v1/webhooks/${theirs.webhook.id}${url}`, payload);
      const missing = await call(owner, method, `/v1/webhooks/hook_missing${url}`, payload);
      expect([foreign.statusCode, missing.statusCode]).toEqual([404, 404]);
      expect(errorOf(foreign)).toEqual({
        code: 'WEBHOOK_NOT_FOUND',
        message: `Webhook ${theirs.webhook.id} not found`,
        request_id: foreign.headers['x-request-id'],
      });
      expect(errorOf(missing).code).toBe('WEBHOOK_NOT_FOUND');
    }
    expect((await call(owner, 'GET', '/v1/webhooks?limit=100')).json()).not.toEqual(
      expect.objectContaining({ data: expect.arrayContaining([theirs.webhook]) }),
    );
    expect(await bed.database.query(`SELECT enabled FROM webhooks WHERE id = $1`, [theirs.webhook.id])).toEqual([{ enabled: true }]);
    expect(await storedSecretOf(theirs.webhook.id)).toBe(before);
  });

  it('lets viewers list but not write or rotate', async () => {
    const { webhook } = await create(owner);
    const viewer = await bed.member(owner, 'viewer');
    expect((await call(viewer, 'GET', `/v1/webhooks/${webhook.id}`)).statusCode).toBe(200);
    for (const [method, url] of [
      ['POST', '/v1/webhooks'],
      ['POST', `/v1/webhooks/${webhook.id}/rotate-secret`],
      ['DELETE', `/v1/webhooks/${webhook.id}`],
    ] as const) {
      const response = await call(viewer, method, url, method === 'POST' && url === '/v1/webhooks' ? { url: endpoint, events: ['render.failed'] } : undefined);
      expect([url, response.statusCode, errorOf(response).code]).toEqual([url, 403, 'SCOPE_MISSING']);
    }
  });
});
