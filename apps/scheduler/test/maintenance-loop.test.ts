import { sql } from 'kysely';
import { createLogger } from '@fenta/core';
import { pruneExpiredIdempotencyKeys } from '@fenta/db';
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

    expect(await runMaintenance(database.db, logger)).toEqual({ ran: true });

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
    expect(await runMaintenance(database.db, logger)).toEqual({ ran: true });
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
    expect(await runMaintenance(database.db, logger)).toEqual({ ran: true });
  });
});
