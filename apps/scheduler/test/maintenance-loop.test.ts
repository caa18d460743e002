import { sql } from 'kysely';
import { createLogger } from '@fenta/core';
import { pruneExpiredIdempotencyKeys, pruneFinishedWebhookDeliveries, pruneJobLogs } from '@fenta/db';
import { createTestDatabase, type TestDatabase } from '@fenta/testing';
import { runMaintenance } from '../src/maintenance-loop';

const logger = createLogger({ service: 'scheduler-test', level: 'silent' });

function monthName(offset: number): string {
  const now = new Date();
  const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
  return `${month.getUTCFullYear()}_${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
}

describe('runMaintenance', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    await database.query(`INSERT INTO users (id, email, password_hash, name) VALUES ('user_m', 'm@example.com', '!', 'M')`);
    await database.query(`INSERT INTO orgs (id, name, slug, owner_id) VALUES ('org_m', 'M', 'm', 'user_m')`);
  });
  afterAll(() => database.drop());

  async function partitions(parent: string): Promise<string[]> {
    const rows = await database.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass ORDER BY 1`,
      [parent],
    );
    return rows.map((row) => row.name);
  }

  it('recreates a missing upcoming partition and refreshes the daily usage view', async () => {
    const third = `usage_records_${monthName(3)}`;
    await database.query(`DROP TABLE ${third}`);
    expect(await partitions('usage_records')).not.toContain(third);
    await database.query(
      `INSERT INTO usage_records (org_id, resource_type, llm_tokens_prompt, llm_tokens_output, llm_model, cost_usd) VALUES ('org_m', 'llm_tokens', 100, 50, 'gpt-4o-mini', 0.0123)`,
    );

    expect(await runMaintenance(database.db, logger)).toMatchObject({ ran: true, done: { partitions: true, dailyUsage: true }, failed: [] });

    expect(await partitions('usage_records')).toEqual(
      [0, 1, 2, 3]
        .map((offset) => `usage_records_${monthName(offset)}`)
        .concat('usage_records_default')
        .sort(),
    );
    expect(await partitions('audit_logs')).toContain(`audit_logs_${monthName(3)}`);
    const usage = await database.query(`SELECT org_id, total_tokens::int, total_cost_usd::text FROM mv_daily_usage`);
    expect(usage).toEqual([{ org_id: 'org_m', total_tokens: 150, total_cost_usd: '0.0123' }]);
  });

  it('removes the Idempotency-Keys whose 24 hours are up, in batches, and keeps the others', async () => {
    const keep = async (key: string, expiresAt: string) =>
      database.query(
        `INSERT INTO idempotency_keys (org_id, key, request_hash, response_status, response_body, expires_at) VALUES ('org_m', $1, repeat('a', 64), 202, '{}', $2)`,
        [key, expiresAt],
      );
    for (let i = 0; i < 5; i++) await keep(`old-${i}`, new Date(Date.now() - 60_000 * (i + 1)).toISOString());
    await keep('fresh', new Date(Date.now() + 3_600_000).toISOString());
    await keep('made-now', new Date(Date.now() + 24 * 3_600_000).toISOString());

    // Batches of two: five expired rows take three deletes, and all go.
    expect(await pruneExpiredIdempotencyKeys(database.db, { batchSize: 2 })).toBe(5);
    const left = await database.query<{ key: string }>(`SELECT key FROM idempotency_keys ORDER BY key`);
    expect(left.map((row) => row.key)).toEqual(['fresh', 'made-now']);

    // The scheduler's upkeep runs it too.
    await keep('old-again', new Date(Date.now() - 1_000).toISOString());
    expect(await runMaintenance(database.db, logger)).toMatchObject({ ran: true, done: { idempotencyKeysPruned: 1 } });
    expect((await database.query<{ key: string }>(`SELECT key FROM idempotency_keys ORDER BY key`)).map((row) => row.key)).toEqual(['fresh', 'made-now']);
  });

  it('skips the round while another scheduler holds the maintenance lock', async () => {
    await database.db.connection().execute(async (other) => {
      await sql`SELECT pg_advisory_lock(7302114584)`.execute(other);
      try {
        expect(await runMaintenance(database.db, logger)).toEqual({ ran: false });
      } finally {
        await sql`SELECT pg_advisory_unlock(7302114584)`.execute(other);
      }
    });
    expect(await runMaintenance(database.db, logger)).toMatchObject({ ran: true, failed: [] });
  });

  it('starts a new quota period for the orgs whose reset_at has passed, and leaves the others', async () => {
    await database.query(`INSERT INTO users (id, email, password_hash, name) VALUES ('user_q', 'q@example.com', '!', 'Q')`);
    await database.query(
      `INSERT INTO orgs (id, name, slug, owner_id) VALUES ('org_ended', 'Ended', 'ended', 'user_q'), ('org_running', 'Running', 'running', 'user_q')`,
    );
    const counters = `tokens_used, render_seconds_used, kai_credits_used, storage_bytes_used, overage_used_usd`;
    await database.query(
      `INSERT INTO quota_limits (org_id, ${counters}, reset_at) VALUES
         ('org_ended', 900, 120.5, 40, 1024, 1.25, '2026-11-01T00:00:00Z'),
         ('org_running', 700, 60, 10, 2048, 0.5, '2027-02-01T00:00:00Z')`,
    );

    // Upkeep on 2026-12-15: org_ended's period (November) is over.
    const now = new Date('2026-12-15T10:30:00Z');
    const run = await runMaintenance(database.db, logger, { now: () => now });
    expect(run).toMatchObject({ ran: true, done: { quotaPeriodsReset: 1 }, failed: [] });

    const rows = await database.query(
      `SELECT org_id, tokens_used::int, render_seconds_used::text, kai_credits_used::int, storage_bytes_used::int, overage_used_usd::text, reset_at
       FROM quota_limits WHERE org_id IN ('org_ended', 'org_running') ORDER BY org_id`,
    );
    expect(rows).toEqual([
      {
        org_id: 'org_ended',
        tokens_used: 0,
        render_seconds_used: '0.00',
        kai_credits_used: 0,
        storage_bytes_used: 0,
        overage_used_usd: '0.0000',
        reset_at: new Date(Date.UTC(2027, 0, 1)),
      },
      {
        org_id: 'org_running',
        tokens_used: 700,
        render_seconds_used: '60.00',
        kai_credits_used: 10,
        storage_bytes_used: 2048,
        overage_used_usd: '0.5000',
        reset_at: new Date(Date.UTC(2027, 1, 1)),
      },
    ]);
    // The next round has nothing to reset.
    expect(await runMaintenance(database.db, logger, { now: () => now })).toMatchObject({ done: { quotaPeriodsReset: 0 } });
  });

  describe('retention', () => {
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    let jobId: string;
    let webhookId: string;

    beforeAll(async () => {
      [{ id: jobId }] = (await database.query<{ id: string }>(
        `INSERT INTO jobs (org_id, config, status) VALUES ('org_m', '{}', 'completed') RETURNING id`,
      )) as [{ id: string }];
      [{ id: webhookId }] = (await database.query<{ id: string }>(
        `INSERT INTO webhooks (org_id, url, events, secret) VALUES ('org_m', 'https://hooks.example/h', '{render.succeeded}', 'x') RETURNING id`,
      )) as [{ id: string }];
    });
    beforeEach(async () => {
      await database.query(`DELETE FROM job_logs`);
      await database.query(`DELETE FROM webhook_deliveries`);
    });

    const log = (message: string, createdAt: string) =>
      database.query(`INSERT INTO job_logs (job_id, level, message, created_at) VALUES ($1, 'info', $2, $3)`, [jobId, message, createdAt]);
    const delivery = async (name: string, status: string, createdAt: string, redeliveryOf: string | null = null) =>
      (
        (await database.query<{ id: string }>(
          `INSERT INTO webhook_deliveries (webhook_id, event, payload, status, created_at, redelivery_of) VALUES ($1, 'render.succeeded', $2, $3, $4, $5) RETURNING id`,
          [webhookId, { name }, status, createdAt, redeliveryOf],
        )) as [{ id: string }]
      )[0].id;
    const logsLeft = async () => (await database.query<{ message: string }>(`SELECT message FROM job_logs ORDER BY message`)).map((row) => row.message);
    const deliveriesLeft = async () =>
      (await database.query<{ name: string }>(`SELECT payload->>'name' AS name FROM webhook_deliveries ORDER BY 1`)).map((row) => row.name);

    it('removes job logs and finished deliveries past their retention, in batches, and keeps the rest', async () => {
      for (let i = 0; i < 5; i++) await log(`old-${i}`, daysAgo(31 + i));
      await log('recent', daysAgo(29));
      await log('now', new Date().toISOString());
      await delivery('old-success', 'success', daysAgo(40));
      await delivery('old-failed', 'failed', daysAgo(31));
      await delivery('old-pending', 'pending', daysAgo(31));
      const resent = await delivery('old-resent', 'success', daysAgo(35));
      await delivery('redelivery-pending', 'pending', daysAgo(0), resent);
      await delivery('recent-success', 'success', daysAgo(29));

      // Batches of two: five old logs take three deletes, and all go.
      const before = new Date(Date.now() - 30 * 86_400_000);
      expect(await pruneJobLogs(database.db, { before, batchSize: 2 })).toBe(5);
      expect(await logsLeft()).toEqual(['now', 'recent']);
      // A pending delivery stays, and so does the one a pending redelivery is sent under.
      expect(await pruneFinishedWebhookDeliveries(database.db, { before, batchSize: 1 })).toBe(2);
      expect(await deliveriesLeft()).toEqual(['old-pending', 'old-resent', 'recent-success', 'redelivery-pending']);

      // Through upkeep, with the retention it is given.
      await log('older-than-a-week', daysAgo(8));
      await database.query(`UPDATE webhook_deliveries SET status = 'success' WHERE payload->>'name' = 'redelivery-pending'`);
      const run = await runMaintenance(database.db, logger, { retention: { jobLogs: 7, webhookDeliveries: 30 } });
      // A week's retention takes the 8- and the 29-day-old log.
      expect(run).toMatchObject({ ran: true, done: { jobLogsPruned: 2, webhookDeliveriesPruned: 1 }, failed: [] });
      expect(await logsLeft()).toEqual(['now']);
      expect(await deliveriesLeft()).toEqual(['old-pending', 'recent-success', 'redelivery-pending']);
    });

    it('keeps everything with a retention of 0 days', async () => {
      await log('ancient', daysAgo(3_000));
      await delivery('ancient', 'success', daysAgo(3_000));
      const run = await runMaintenance(database.db, logger, { retention: { jobLogs: 0, webhookDeliveries: 0 } });
      expect(run.ran).toBe(true);
      expect(run.done).not.toHaveProperty('jobLogsPruned');
      expect(run.done).not.toHaveProperty('webhookDeliveriesPruned');
      expect(await logsLeft()).toEqual(['ancient']);
      expect(await deliveriesLeft()).toEqual(['ancient']);
    });

    it('runs the other tasks when one fails, and the failed one again at the next round', async () => {
      await log('old', daysAgo(90));
      await database.query(`ALTER MATERIALIZED VIEW mv_daily_usage RENAME TO mv_daily_usage_away`);
      let run: Awaited<ReturnType<typeof runMaintenance>>;
      try {
        run = await runMaintenance(database.db, logger);
      } finally {
        await database.query(`ALTER MATERIALIZED VIEW mv_daily_usage_away RENAME TO mv_daily_usage`);
      }
      expect(run.failed).toEqual(['dailyUsage']);
      expect(run.done).toMatchObject({ partitions: true, quotaPeriodsReset: 0, idempotencyKeysPruned: 0, jobLogsPruned: 1, webhookDeliveriesPruned: 0 });
      expect(run.done).not.toHaveProperty('dailyUsage');
      expect(await logsLeft()).toEqual([]);

      expect(await runMaintenance(database.db, logger)).toMatchObject({ ran: true, done: { dailyUsage: true }, failed: [] });
    });
  });
});
