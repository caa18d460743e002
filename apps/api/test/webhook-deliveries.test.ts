import { startApiTestbed, type ApiTestbed, type TestCaller } from './api-fixture';

// Creating a webhook checks its URL and sends nothing; no sender runs in this file.
const endpoint = 'https://93.184.216.34/fenta-hooks';

type Json = Record<string, any>;

describe('webhook deliveries over the API', () => {
  let bed: ApiTestbed;
  let owner: TestCaller;
  let other: TestCaller;

  beforeAll(async () => {
    bed = await startApiTestbed();
    owner = await bed.newOrg('deliveries-alpha');
    other = await bed.newOrg('deliveries-beta');
  });
  afterAll(async () => {
    await bed.close();
  });

  const call = (caller: TestCaller, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    bed.app.inject({ method, url, headers: caller.headers, ...(payload ? { payload } : {}) });
  const errorOf = (response: { json(): unknown }) => (response.json() as { error: { code: string; message: string } }).error;
  const newWebhook = async (caller: TestCaller = owner): Promise<string> => {
    const response = await call(caller, 'POST', '/v1/webhooks', { url: endpoint, events: ['render.succeeded'] });
    expect(response.statusCode).toBe(201);
    return (response.json() as Json).webhook.id as string;
  };
  /** A delivery as the sender leaves it. */
  const delivery = async (webhookId: string, fields: { status: string; attempts: number; http_status?: number | null; last_error?: string | null }) => {
    const [row] = await bed.database.query<{ id: string }>(
      `INSERT INTO webhook_deliveries (webhook_id, event, payload, status, attempts, http_status, response_body, last_error, last_attempt_at, next_retry_at)
       VALUES ($1, 'render.succeeded', '{"event":"render.succeeded","job_id":"job_1"}', $2::varchar, $3, $4, $5, $6, '2030-01-01T10:00:00Z',
               CASE WHEN $2::varchar = 'pending' THEN '2030-01-01T10:00:05Z'::timestamptz END)
       RETURNING id`,
      [webhookId, fields.status, fields.attempts, fields.http_status ?? null, fields.http_status ? 'answer' : null, fields.last_error ?? null],
    );
    return row!.id;
  };

  it("lists a webhook's deliveries newest first, with their attempts and last answer, narrowed by status and paged", async () => {
    const webhookId = await newWebhook();
    const failed = await delivery(webhookId, { status: 'failed', attempts: 8, http_status: 500 });
    const pending = await delivery(webhookId, { status: 'pending', attempts: 2, last_error: 'no answer within 15000 ms' });
    const success = await delivery(webhookId, { status: 'success', attempts: 1, http_status: 200 });

    const all = await call(owner, 'GET', `/v1/webhooks/${webhookId}/deliveries`);
    expect(all.statusCode).toBe(200);
    const page = all.json() as { data: Json[]; next_cursor: string | null };
    expect(page.data.map((row) => row.id)).toEqual([success, pending, failed]);
    expect(page.data[1]).toEqual({
      id: pending,
      webhook_id: webhookId,
      event: 'render.succeeded',
      payload: { event: 'render.succeeded', job_id: 'job_1' },
      status: 'pending',
      attempts: 2,
      http_status: null,
      response_body: null,
      last_error: 'no answer within 15000 ms',
      last_attempt_at: '2030-01-01T10:00:00.000Z',
      next_retry_at: '2030-01-01T10:00:05.000Z',
      redelivery_of: null,
      created_at: page.data[1]!.created_at,
    });
    expect(page.next_cursor).toBeNull();

    const failures = (await call(owner, 'GET', `/v1/webhooks/${webhookId}/deliveries?status=failed`)).json() as { data: Json[] };
    expect(failures.data.map((row) => [row.id, row.attempts, row.http_status])).toEqual([[failed, 8, 500]]);

    const first = (await call(owner, 'GET', `/v1/webhooks/${webhookId}/deliveries?limit=2`)).json() as { data: Json[]; next_cursor: string };
    expect(first.data.map((row) => row.id)).toEqual([success, pending]);
    const second = (await call(owner, 'GET', `/v1/webhooks/${webhookId}/deliveries?limit=2&cursor=${first.next_cursor}`)).json() as { data: Json[] };
    expect(second.data.map((row) => row.id)).toEqual([failed]);

    const one = await call(owner, 'GET', `/v1/webhooks/${webhookId}/deliveries/${failed}`);
    expect((one.json() as Json).delivery).toMatchObject({ id: failed, status: 'failed', attempts: 8 });

    const wrongStatus = await call(owner, 'GET', `/v1/webhooks/${webhookId}/deliveries?status=lost`);
    expect([wrongStatus.statusCode, errorOf(wrongStatus).code]).toEqual([400, 'REQUEST_INVALID']);
    const otherWebhook = await newWebhook();
    const elsewhere = await call(owner, 'GET', `/v1/webhooks/${otherWebhook}/deliveries/${failed}`);
    expect([elsewhere.statusCode, errorOf(elsewhere)]).toEqual([
      404,
      { code: 'WEBHOOK_DELIVERY_NOT_FOUND', message: `Delivery ${failed} of webhook ${otherWebhook} not found`, request_id: elsewhere.headers['x-request-id'] },
    ]);
  });

  it('redelivers a finished delivery as a new pending one under its webhook-id, and refuses one still pending', async () => {
    const webhookId = await newWebhook();
    const failed = await delivery(webhookId, { status: 'failed', attempts: 8, http_status: 500 });
    const response = await call(owner, 'POST', `/v1/webhooks/${webhookId}/deliveries/${failed}/redeliver`);
    expect(response.statusCode).toBe(202);
    const again = (response.json() as Json).delivery as Json;
    expect(again).toMatchObject({ webhook_id: webhookId, event: 'render.succeeded', status: 'pending', attempts: 0, http_status: null, redelivery_of: failed });
    expect(again.id).not.toBe(failed);
    // A redelivery of the redelivery still names the first: one webhook-id for the event.
    await bed.database.query(`UPDATE webhook_deliveries SET status = 'failed' WHERE id = $1`, [again.id]);
    const third = (await call(owner, 'POST', `/v1/webhooks/${webhookId}/deliveries/${again.id}/redeliver`)).json() as Json;
    expect(third.delivery.redelivery_of).toBe(failed);
    expect(
      await bed.database.query(`SELECT action, changes FROM audit_logs WHERE resource_id = $1 AND action = 'redeliver' ORDER BY created_at`, [webhookId]),
    ).toEqual([
      { action: 'redeliver', changes: { after: { delivery: again.id, redelivery_of: failed } } },
      { action: 'redeliver', changes: { after: { delivery: third.delivery.id, redelivery_of: failed } } },
    ]);

    const pending = await call(owner, 'POST', `/v1/webhooks/${webhookId}/deliveries/${third.delivery.id}/redeliver`);
    expect([pending.statusCode, errorOf(pending).code, errorOf(pending).message]).toEqual([
      409,
      'WEBHOOK_DELIVERY_PENDING',
      `Delivery ${third.delivery.id} is still pending: it is sent again on its own schedule`,
    ]);
  });

  it('sends a test event to the endpoint whatever it subscribes to, and refuses both on a disabled endpoint', async () => {
    const webhookId = await newWebhook();
    const response = await call(owner, 'POST', `/v1/webhooks/${webhookId}/test`);
    expect(response.statusCode).toBe(202);
    const queued = (response.json() as Json).delivery as Json;
    expect(queued).toMatchObject({
      webhook_id: webhookId,
      event: 'webhook.test',
      status: 'pending',
      attempts: 0,
      payload: { event: 'webhook.test', org_id: owner.orgId, webhook_id: webhookId, sent_at: expect.any(String) },
    });
    expect(await bed.database.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = $1`, [webhookId])).toEqual([{ n: 1 }]);

    const failed = await delivery(webhookId, { status: 'failed', attempts: 8, http_status: 410 });
    await bed.database.query(`UPDATE webhooks SET enabled = false, disabled_at = now(), disabled_reason = 'the endpoint answered 410 Gone' WHERE id = $1`, [
      webhookId,
    ]);
    expect((await call(owner, 'GET', `/v1/webhooks/${webhookId}`)).json()).toMatchObject({
      webhook: { enabled: false, disabled_reason: 'the endpoint answered 410 Gone', disabled_at: expect.any(String) },
    });
    for (const url of [`/v1/webhooks/${webhookId}/test`, `/v1/webhooks/${webhookId}/deliveries/${failed}/redeliver`]) {
      const refused = await call(owner, 'POST', url);
      expect([url, refused.statusCode, errorOf(refused).code]).toEqual([url, 409, 'WEBHOOK_DISABLED']);
    }
    // Enabling it again clears why it was disabled.
    const enabled = await call(owner, 'PATCH', `/v1/webhooks/${webhookId}`, { enabled: true });
    expect((enabled.json() as Json).webhook).toMatchObject({ enabled: true, disabled_at: null, disabled_reason: null, failing_since: null });
  });

  it("answers 404 for another org's webhook and delivery, and refuses a viewer both at the API and in the database", async () => {
    const theirs = await newWebhook(other);
    const theirDelivery = await delivery(theirs, { status: 'failed', attempts: 8, http_status: 500 });
    for (const [method, url] of [
      ['GET', `/v1/webhooks/${theirs}/deliveries`],
      ['GET', `/v1/webhooks/${theirs}/deliveries/${theirDelivery}`],
      ['POST', `/v1/webhooks/${theirs}/deliveries/${theirDelivery}/redeliver`],
      ['POST', `/v1/webhooks/${theirs}/test`],
    ] as const) {
      const response = await call(owner, method, url);
      expect([url, response.statusCode, errorOf(response).code]).toEqual([url, 404, 'WEBHOOK_NOT_FOUND']);
    }
    expect(await bed.database.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = $1`, [theirs])).toEqual([{ n: 1 }]);

    const mine = await newWebhook();
    const finished = await delivery(mine, { status: 'success', attempts: 1, http_status: 200 });
    const viewer = await bed.member(owner, 'viewer');
    expect((await call(viewer, 'GET', `/v1/webhooks/${mine}/deliveries`)).statusCode).toBe(200);
    for (const url of [`/v1/webhooks/${mine}/test`, `/v1/webhooks/${mine}/deliveries/${finished}/redeliver`]) {
      const response = await call(viewer, 'POST', url);
      expect([url, response.statusCode, errorOf(response).code]).toEqual([url, 403, 'SCOPE_MISSING']);
    }
    // The database's functions check the role themselves, whatever a key says.
    for (const [fn, id] of [
      ['fenta_send_test_webhook', mine],
      ['fenta_redeliver_webhook', finished],
    ] as const) {
      await expect(bed.database.withUser(viewer.userId, (query) => query(`SELECT id FROM ${fn}($1)`, [id]))).rejects.toMatchObject({ code: '42501' });
      // Another org's member sees nothing at all.
      expect(await bed.database.withUser(other.userId, (query) => query(`SELECT id FROM ${fn}($1)`, [id]))).toEqual([]);
    }
    expect(await bed.database.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE webhook_id = $1`, [mine])).toEqual([{ n: 1 }]);
  });
});
