import { Webhook } from 'standardwebhooks';
import { createLogger, issueWebhookSecret, sealSecret, webhookSecretContext, type AddressPolicy } from '@fenta/core';
import { createDatabase, enqueueWebhookDeliveries, seedDemoOrg } from '@fenta/db';
import { createTestDatabase, type TestDatabase } from '@fenta/testing';
import { deliverDueWebhooks, type DeliverWebhooksDeps } from '../src/deliver-webhooks';
import { webhookRetryDelaysMs } from '../src/retry-schedule';
import { startReceiver, type Receiver } from './support/receiver';

type Json = Record<string, any>;

const day = 24 * 3_600_000;

describe('deliverDueWebhooks', () => {
  let database: TestDatabase;
  let receiver: Receiver;
  let orgId: string;
  let clock: number;
  const logger = createLogger({ service: 'test', level: 'silent' });
  const now = () => new Date(clock);
  const deps = (policy: AddressPolicy = { allowSockets: [receiver.socket] }): DeliverWebhooksDeps => ({ db: database.db, logger, policy, now });
  const q = <T = Json>(text: string, params?: unknown[]) => database.query<T>(text, params);

  beforeEach(async () => {
    database = await createTestDatabase({ migrated: true });
    ({ orgId } = await seedDemoOrg(database.db));
    // The deliveries are written with the database's now(); the fake clock starts just after it.
    clock = Date.now() + 1_000;
  });
  afterEach(async () => {
    await receiver?.close();
    await database.drop();
  });

  const hook = async (fields: { url?: string; events?: string[]; secret?: string } = {}) => {
    const secret = fields.secret ?? issueWebhookSecret();
    const [row] = await q<{ id: string }>(`INSERT INTO webhooks (org_id, url, events, secret) VALUES ($1, $2, $3, $4) RETURNING id`, [
      orgId,
      fields.url ?? receiver.url,
      fields.events ?? ['render.succeeded'],
      secret,
    ]);
    return { id: row!.id, secret };
  };
  const event = async (payload: Json = { event: 'render.succeeded', job_id: 'job_1', org_id: orgId }) => {
    await enqueueWebhookDeliveries(database.db, orgId, 'render.succeeded', payload);
    const [row] = await q<{ id: string }>(`SELECT id FROM webhook_deliveries ORDER BY created_at DESC, id DESC LIMIT 1`);
    return row!.id;
  };
  const delivery = async (id: string) =>
    (
      await q(
        `SELECT status, attempts, http_status, response_body, last_error, last_attempt_at, next_retry_at, lease_token, leased_until
         FROM webhook_deliveries WHERE id = $1`,
        [id],
      )
    )[0]!;

  it('POSTs the event signed per Standard Webhooks, verified by the standardwebhooks package, and records the answer', async () => {
    receiver = await startReceiver((_request, _index, response) => response.writeHead(202).end('thanks'));
    const { secret } = await hook();
    const id = await event({
      event: 'render.succeeded',
      job_id: 'job_1',
      org_id: orgId,
      result: { video_url: 'https://api.example.com/v1/renders/render_1/video' },
    });

    expect(await deliverDueWebhooks({ db: database.db, logger, policy: { allowSockets: [receiver.socket] } }, { limit: 10 })).toEqual([
      { id, status: 'success', httpStatus: 202, recorded: true },
    ]);
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe('/hooks');
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['webhook-id']).toBe(id);
    const verified = new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>);
    expect(verified).toEqual({
      type: 'render.succeeded',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      data: { event: 'render.succeeded', job_id: 'job_1', org_id: orgId, result: { video_url: 'https://api.example.com/v1/renders/render_1/video' } },
    });
    // Another secret does not verify it.
    expect(() => new Webhook(issueWebhookSecret()).verify(request!.body, request!.headers as Record<string, string>)).toThrow('No matching signature found');
    expect(await delivery(id)).toEqual(
      expect.objectContaining({
        status: 'success',
        attempts: 1,
        http_status: 202,
        response_body: 'thanks',
        last_error: null,
        next_retry_at: null,
        lease_token: null,
      }),
    );
    // Nothing is due any more.
    expect(await deliverDueWebhooks(deps(), { limit: 10 })).toEqual([]);
  });

  it('retries a failing receiver on the published schedule under one webhook-id, and delivers when it answers 2xx', async () => {
    receiver = await startReceiver((_request, index, response) => response.writeHead(index < 3 ? 500 : 200).end(index < 3 ? 'down' : 'ok'));
    const webhook = await hook();
    const id = await event();
    const attemptTimes: number[] = [];

    for (let attempt = 1; attempt <= 4; attempt += 1) {
      if (attempt > 1) {
        // Due exactly one scheduled delay after the previous attempt: a moment earlier, nothing goes.
        const due = attemptTimes[attempt - 2]! + webhookRetryDelaysMs[attempt - 1]!;
        clock = due - 1;
        expect(await deliverDueWebhooks(deps(), { limit: 10 })).toEqual([]);
        clock = due;
      }
      attemptTimes.push(clock);
      const [result] = await deliverDueWebhooks(deps(), { limit: 10 });
      expect(result).toEqual({ id, status: attempt < 4 ? 'pending' : 'success', httpStatus: attempt < 4 ? 500 : 200, recorded: true });
      const row = await delivery(id);
      expect(row.attempts).toBe(attempt);
      expect(row.last_attempt_at).toEqual(new Date(clock));
      expect(row.next_retry_at).toEqual(attempt < 4 ? new Date(clock + webhookRetryDelaysMs[attempt]!) : null);
    }
    expect(attemptTimes.map((time) => time - attemptTimes[0]!)).toEqual([0, 5_000, 305_000, 2_105_000]);
    expect(receiver.requests.map((request) => request.headers['webhook-id'])).toEqual([id, id, id, id]);
    expect(receiver.requests.map((request) => Number(request.headers['webhook-timestamp']))).toEqual(attemptTimes.map((time) => Math.floor(time / 1000)));
    // The run of failures ended with the success.
    expect((await q(`SELECT failing_since FROM webhooks WHERE id = $1`, [webhook.id]))[0]).toEqual({ failing_since: null });
  });

  it('gives a delivery up after its eighth attempt, keeping the last answer', async () => {
    receiver = await startReceiver((_request, _index, response) => response.writeHead(502).end('bad gateway'));
    await hook();
    const id = await event();
    for (let attempt = 1; attempt <= 8; attempt += 1) {
      const [result] = await deliverDueWebhooks(deps(), { limit: 10 });
      expect(result!.status).toBe(attempt < 8 ? 'pending' : 'failed');
      clock += webhookRetryDelaysMs[attempt] ?? 0;
    }
    expect(await delivery(id)).toEqual(
      expect.objectContaining({ status: 'failed', attempts: 8, http_status: 502, response_body: 'bad gateway', next_retry_at: null }),
    );
    expect(receiver.requests).toHaveLength(8);
    clock += 100 * day;
    expect(await deliverDueWebhooks(deps(), { limit: 10 })).toEqual([]);
  });

  it("honours a 429's and a 503's Retry-After when it asks for longer than the schedule, and keeps the schedule when it asks for less", async () => {
    const answers = [
      [429, { 'retry-after': '120' }],
      [503, { 'retry-after': '1' }],
      [200, {}],
    ] as const;
    receiver = await startReceiver((_request, index, response) => response.writeHead(answers[index]![0], answers[index]![1]).end());
    await hook();
    const id = await event();

    await deliverDueWebhooks(deps(), { limit: 10 });
    expect((await delivery(id)).next_retry_at).toEqual(new Date(clock + 120_000));
    clock += 120_000;
    await deliverDueWebhooks(deps(), { limit: 10 });
    // Retry-After: 1 is shorter than the 5 minutes the schedule has for the third attempt.
    expect((await delivery(id)).next_retry_at).toEqual(new Date(clock + 300_000));
    clock += 300_000;
    expect(await deliverDueWebhooks(deps(), { limit: 10 })).toEqual([{ id, status: 'success', httpStatus: 200, recorded: true }]);
  });

  it('disables an endpoint that answers 410 Gone, records it in the audit trail and tells the org through its other endpoints', async () => {
    receiver = await startReceiver((request, _index, response) => response.writeHead(request.path === '/gone' ? 410 : 200).end());
    const gone = await hook({ url: receiver.url.replace('/hooks', '/gone') });
    const watcher = await hook({ events: ['webhook.disabled'] });
    const id = await event();

    expect(await deliverDueWebhooks(deps(), { limit: 10 })).toEqual([{ id, status: 'failed', httpStatus: 410, recorded: true }]);
    expect((await q(`SELECT enabled, disabled_at, disabled_reason FROM webhooks WHERE id = $1`, [gone.id]))[0]).toEqual({
      enabled: false,
      disabled_at: new Date(clock),
      disabled_reason: 'the endpoint answered 410 Gone',
    });
    expect(await q(`SELECT org_id, user_id, action, resource_type, resource_id, metadata FROM audit_logs WHERE resource_id = $1`, [gone.id])).toEqual([
      { org_id: orgId, user_id: null, action: 'disable', resource_type: 'webhook', resource_id: gone.id, metadata: { actor: 'system' } },
    ]);
    expect(await q(`SELECT webhook_id, payload FROM webhook_deliveries WHERE event = 'webhook.disabled'`)).toEqual([
      {
        webhook_id: watcher.id,
        payload: {
          event: 'webhook.disabled',
          org_id: orgId,
          webhook_id: gone.id,
          url: receiver.url.replace('/hooks', '/gone'),
          reason: 'the endpoint answered 410 Gone',
        },
      },
    ]);
    // The next event reaches only the endpoint still enabled; the notice is sent there.
    await enqueueWebhookDeliveries(database.db, orgId, 'render.succeeded', { event: 'render.succeeded' });
    const sent = await deliverDueWebhooks(deps(), { limit: 10 });
    expect(sent.map((result) => result.status)).toEqual(['success']);
    expect(receiver.requests.map((request) => [request.path, JSON.parse(request.body).type])).toEqual([
      ['/gone', 'render.succeeded'],
      ['/hooks', 'webhook.disabled'],
    ]);
  });

  it('disables an endpoint once its attempts have failed for five days, and not before', async () => {
    receiver = await startReceiver((_request, _index, response) => response.writeHead(500).end());
    const webhook = await hook();
    await event();
    await deliverDueWebhooks(deps(), { limit: 10 });
    const firstFailure = clock;
    expect((await q(`SELECT failing_since FROM webhooks WHERE id = $1`, [webhook.id]))[0]).toEqual({ failing_since: new Date(firstFailure) });

    clock = firstFailure + 5 * day - 1_000;
    await event();
    await deliverDueWebhooks(deps(), { limit: 10 });
    expect((await q(`SELECT enabled FROM webhooks WHERE id = $1`, [webhook.id]))[0]).toEqual({ enabled: true });

    clock = firstFailure + 5 * day;
    await event();
    await deliverDueWebhooks(deps(), { limit: 10 });
    expect((await q(`SELECT enabled, disabled_reason FROM webhooks WHERE id = $1`, [webhook.id]))[0]).toEqual({
      enabled: false,
      disabled_reason: 'every attempt failed for 5 days',
    });
    // Enabled again by its owner, it starts with a clean record.
    await q(`UPDATE webhooks SET enabled = true WHERE id = $1`, [webhook.id]);
    expect((await q(`SELECT disabled_at, disabled_reason, failing_since FROM webhooks WHERE id = $1`, [webhook.id]))[0]).toEqual({
      disabled_at: null,
      disabled_reason: null,
      failing_since: null,
    });
  });

  it('sends one request when two senders race for one delivery, and a sender whose lease lapsed cannot record over the next one', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    receiver = await startReceiver(async (_request, index, response) => {
      if (index === 0) await held;
      response.writeHead(index === 0 ? 500 : 200).end();
    });
    await hook();
    const id = await event();
    const other = createDatabase({ url: database.url, applicationName: 'second-sender', poolSize: 2 });
    try {
      const first = deliverDueWebhooks(deps(), { limit: 10 });
      await receiver.received(1);
      // While the first attempt is in flight, a second sender finds nothing to send.
      expect(await deliverDueWebhooks({ ...deps(), db: other }, { limit: 10 })).toEqual([]);
      expect(receiver.requests).toHaveLength(1);

      // Past the lease (the first sender looks dead), the second takes the delivery and delivers it.
      clock += 15_000 + 30_000;
      expect(await deliverDueWebhooks({ ...deps(), db: other }, { limit: 10 })).toEqual([{ id, status: 'success', httpStatus: 200, recorded: true }]);
      release();
      // The first sender's late 500 is not written over the success.
      expect(await first).toEqual([{ id, status: 'pending', httpStatus: 500, recorded: false }]);
      expect(await delivery(id)).toEqual(expect.objectContaining({ status: 'success', attempts: 1, http_status: 200 }));
    } finally {
      await other.destroy();
    }
  });

  it('signs with the previous secret too for 24 hours after a rotation, so a receiver holding either verifies', async () => {
    receiver = await startReceiver();
    const webhook = await hook();
    const rotated = issueWebhookSecret();
    await q(`UPDATE webhooks SET secret = $2 WHERE id = $1`, [webhook.id, rotated]);
    expect((await q(`SELECT previous_secret FROM webhooks WHERE id = $1`, [webhook.id]))[0]).toEqual({ previous_secret: webhook.secret });

    await event();
    await deliverDueWebhooks(deps(), { limit: 10 });
    const [request] = receiver.requests;
    expect((request!.headers['webhook-signature'] as string).split(' ')).toHaveLength(2);
    for (const secret of [rotated, webhook.secret])
      expect(() => new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>)).not.toThrow();

    // A day later only the new secret signs.
    await q(`UPDATE webhooks SET previous_secret_expires_at = now() - interval '1 second' WHERE id = $1`, [webhook.id]);
    await event();
    await deliverDueWebhooks(deps(), { limit: 10 });
    const second = receiver.requests[1]!;
    expect((second.headers['webhook-signature'] as string).split(' ')).toHaveLength(1);
    expect(() => new Webhook(rotated).verify(second.body, second.headers as Record<string, string>)).not.toThrow();
    expect(() => new Webhook(webhook.secret).verify(second.body, second.headers as Record<string, string>)).toThrow('No matching signature found');
  });

  it('opens a secret sealed at rest with FENTA_SECRETS_KEY, and sends nothing unsigned when the key is missing', async () => {
    receiver = await startReceiver();
    const key = Buffer.alloc(32, 7);
    const secret = issueWebhookSecret();
    const [row] = await q<{ id: string }>(`SELECT fenta_id('hook') AS id`);
    await q(`INSERT INTO webhooks (id, org_id, url, events, secret) VALUES ($1, $2, $3, '{render.succeeded}', $4)`, [
      row!.id,
      orgId,
      receiver.url,
      sealSecret(secret, key, webhookSecretContext(row!.id)),
    ]);
    const id = await event();

    expect(await deliverDueWebhooks(deps(), { limit: 10 })).toEqual([{ id, status: 'pending', httpStatus: null, recorded: true }]);
    expect(receiver.requests).toHaveLength(0);
    expect((await delivery(id)).last_error).toBe('A stored secret cannot be opened: it is sealed and FENTA_SECRETS_KEY is not set');
    // The missing key is this side's fault: the endpoint is not counted as failing.
    expect((await q(`SELECT failing_since FROM webhooks WHERE id = $1`, [row!.id]))[0]).toEqual({ failing_since: null });

    clock += webhookRetryDelaysMs[1]!;
    expect(await deliverDueWebhooks({ ...deps(), secretsKey: key }, { limit: 10 })).toEqual([{ id, status: 'success', httpStatus: 200, recorded: true }]);
    expect(() => new Webhook(secret).verify(receiver.requests[0]!.body, receiver.requests[0]!.headers as Record<string, string>)).not.toThrow();
  });

  it('records a receiver that does not answer within the timeout, and keeps only the start of a long answer', async () => {
    receiver = await startReceiver((request, _index, response) => {
      if (request.path === '/long') response.writeHead(500).end('x'.repeat(100_000));
      // Otherwise never answered: the attempt's timeout ends it.
    });
    await hook({ url: receiver.url.replace('/hooks', '/long') });
    await hook();
    await event();
    // By URL: …/hooks (never answered), then …/long.
    const [silent, long] = await q<{ id: string }>(`SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id ORDER BY w.url`);

    await deliverDueWebhooks(deps(), { limit: 10, timeoutMs: 500 });
    expect(await delivery(silent!.id)).toEqual(expect.objectContaining({ status: 'pending', http_status: null, last_error: 'no answer within 500 ms' }));
    const longRow = await delivery(long!.id);
    expect(longRow.http_status).toBe(500);
    expect(longRow.response_body).toBe('x'.repeat(2_048));
  });

  it('keeps an answer with NUL bytes (PostgreSQL text cannot hold them) and counts a stored URL that does not parse as a failed attempt', async () => {
    receiver = await startReceiver((_request, _index, response) => response.writeHead(500).end('bad\u0000answer'));
    const good = await hook();
    const broken = await hook({ url: 'http://[::1' });
    await event();
    const rows = async () =>
      q<{ webhook_id: string; status: string; attempts: number; http_status: number | null; response_body: string | null; last_error: string | null }>(
        `SELECT webhook_id, status, attempts, http_status, response_body, last_error FROM webhook_deliveries ORDER BY webhook_id = $1 DESC`,
        [good.id],
      );

    expect((await deliverDueWebhooks(deps(), { limit: 10 })).map((result) => [result.status, result.recorded])).toEqual([
      ['pending', true],
      ['pending', true],
    ]);
    expect(await rows()).toEqual([
      { webhook_id: good.id, status: 'pending', attempts: 1, http_status: 500, response_body: 'bad\uFFFDanswer', last_error: null },
      { webhook_id: broken.id, status: 'pending', attempts: 1, http_status: null, response_body: null, last_error: 'Invalid URL' },
    ]);
  });

  it('does not send the deliveries of a disabled endpoint', async () => {
    receiver = await startReceiver();
    const webhook = await hook();
    await event();
    await q(`UPDATE webhooks SET enabled = false WHERE id = $1`, [webhook.id]);
    expect(await deliverDueWebhooks(deps(), { limit: 10 })).toEqual([]);
    expect(receiver.requests).toHaveLength(0);
  });
});
