import { createTestDatabase, type TestDatabase } from './test-database';

// A reset_at far enough ahead that the period is running during the test.
const FUTURE = '2999-01-01T00:00:00Z';

interface Counters {
  tokens_used: number;
  kai_credits_used: number;
  render_seconds_used: string;
  storage_bytes_used: string;
  overage_used_usd: string;
  reset_at: string;
}

describe('quotas', () => {
  let database: TestDatabase;
  let orgCount = 0;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
  });
  afterAll(async () => {
    await database.drop();
  });

  /** A fresh org (and owner) per case, so cases never share counters. */
  async function newOrg(): Promise<string> {
    orgCount += 1;
    const [user] = await database.query<{ id: string }>(`INSERT INTO users (email, password_hash, name) VALUES ($1, 'h', 'Q') RETURNING id`, [
      `quota${orgCount}@example.com`,
    ]);
    const [org] = await database.query<{ id: string }>(`INSERT INTO orgs (name, slug, owner_id) VALUES ('Q', $1, $2) RETURNING id`, [
      `quota-${orgCount}`,
      user!.id,
    ]);
    return org!.id;
  }

  /** An org with a quota_limits row: the given columns, reset_at in the future unless given. */
  async function orgWithQuota(values: Record<string, unknown>): Promise<string> {
    const orgId = await newOrg();
    const row = { reset_at: FUTURE, ...values };
    const columns = Object.keys(row);
    await database.query(
      `INSERT INTO quota_limits (org_id, ${columns.join(', ')})
       VALUES ($1, ${columns.map((_, i) => `$${i + 2}`).join(', ')})`,
      [orgId, ...Object.values(row)],
    );
    return orgId;
  }

  async function checkQuota(orgId: string, tokens: number | string = 0, kaiCredits: number | string = 0, renderSeconds: number | string = 0) {
    const [row] = await database.query<{ allowed: boolean }>(`SELECT check_quota($1, $2::bigint, $3::bigint, $4::numeric) AS allowed`, [
      orgId,
      tokens,
      kaiCredits,
      renderSeconds,
    ]);
    return row!.allowed;
  }

  /** The counters; BIGINT comes back from this pool as text, the small counters are compared as numbers. */
  async function counters(orgId: string): Promise<Counters> {
    const [row] = await database.query<Counters>(
      `SELECT tokens_used::float8 AS tokens_used, kai_credits_used::float8 AS kai_credits_used,
              render_seconds_used::text, storage_bytes_used::text,
              overage_used_usd::text, to_char(reset_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS reset_at
       FROM quota_limits WHERE org_id = $1`,
      [orgId],
    );
    return row!;
  }

  async function recordUsage(orgId: string, values: Record<string, unknown>): Promise<void> {
    const columns = Object.keys(values);
    await database.query(
      `INSERT INTO usage_records (org_id, ${columns.join(', ')})
       VALUES ($1, ${columns.map((_, i) => `$${i + 2}`).join(', ')})`,
      [orgId, ...Object.values(values)],
    );
  }

  describe('check_quota', () => {
    it('allows anything when the org has no quota row', async () => {
      const orgId = await newOrg();
      expect(await checkQuota(orgId, 1_000_000_000, 1_000_000, '1000000')).toBe(true);
      expect(await checkQuota('org_does_not_exist', 1)).toBe(true);
    });

    it('allows under the limit and at it, refuses over it: tokens', async () => {
      const orgId = await orgWithQuota({ tokens_limit: 100, tokens_used: 90 });
      expect(await checkQuota(orgId, 5)).toBe(true);
      expect(await checkQuota(orgId, 10)).toBe(true);
      expect(await checkQuota(orgId, 11)).toBe(false);
      expect(await checkQuota(orgId)).toBe(true);
    });

    it('allows under the limit and at it, refuses over it: KAI credits', async () => {
      const orgId = await orgWithQuota({ kai_credits_limit: 50, kai_credits_used: 40 });
      expect(await checkQuota(orgId, 0, 9)).toBe(true);
      expect(await checkQuota(orgId, 0, 10)).toBe(true);
      expect(await checkQuota(orgId, 0, 11)).toBe(false);
    });

    it('allows under the limit and at it, refuses over it: render seconds', async () => {
      const orgId = await orgWithQuota({ render_seconds_limit: 60, render_seconds_used: '59.50' });
      expect(await checkQuota(orgId, 0, 0, '0.25')).toBe(true);
      expect(await checkQuota(orgId, 0, 0, '0.50')).toBe(true);
      expect(await checkQuota(orgId, 0, 0, '0.51')).toBe(false);
    });

    it('refuses when storage is already past its limit, whatever is asked', async () => {
      const atLimit = await orgWithQuota({ storage_bytes_limit: 1000, storage_bytes_used: 1000 });
      expect(await checkQuota(atLimit, 1)).toBe(true);
      const overLimit = await orgWithQuota({ storage_bytes_limit: 1000, storage_bytes_used: 1001 });
      expect(await checkQuota(overLimit)).toBe(false);
    });

    it('refuses when any one resource does not fit', async () => {
      const orgId = await orgWithQuota({
        tokens_limit: 100,
        kai_credits_limit: 10,
        render_seconds_limit: 10,
        tokens_used: 0,
      });
      expect(await checkQuota(orgId, 100, 10, 10)).toBe(true);
      expect(await checkQuota(orgId, 101, 10, 10)).toBe(false);
      expect(await checkQuota(orgId, 100, 11, 10)).toBe(false);
      expect(await checkQuota(orgId, 100, 10, '10.01')).toBe(false);
    });

    it('treats NULL limits as unlimited', async () => {
      const orgId = await orgWithQuota({
        tokens_used: 2_000_000_000,
        kai_credits_used: 2_000_000_000,
        render_seconds_used: '99999999.99',
        storage_bytes_used: '9000000000000',
      });
      expect(await checkQuota(orgId, 2_000_000_000, 2_000_000_000, '99999999')).toBe(true);
    });

    it('allows overage below the cap, refuses it at the cap, allows it without a cap', async () => {
      const belowCap = await orgWithQuota({
        tokens_limit: 100,
        tokens_used: 100,
        allow_overage: true,
        overage_cap_usd: '5.00',
        overage_used_usd: '4.9999',
      });
      expect(await checkQuota(belowCap, 1)).toBe(true);

      const atCap = await orgWithQuota({
        tokens_limit: 100,
        tokens_used: 100,
        allow_overage: true,
        overage_cap_usd: '5.00',
        overage_used_usd: '5.0000',
      });
      expect(await checkQuota(atCap, 1)).toBe(false);
      // Within the limits, the cap does not matter.
      expect(await checkQuota(atCap, 0)).toBe(true);

      const noCap = await orgWithQuota({
        tokens_limit: 100,
        tokens_used: 100,
        allow_overage: true,
        overage_used_usd: '123456.0000',
      });
      expect(await checkQuota(noCap, 1_000_000)).toBe(true);

      const noOverage = await orgWithQuota({ tokens_limit: 100, tokens_used: 100, allow_overage: false });
      expect(await checkQuota(noOverage, 1)).toBe(false);
    });

    it('counts usage as zero once reset_at has passed', async () => {
      const orgId = await orgWithQuota({
        tokens_limit: 100,
        tokens_used: 100,
        kai_credits_limit: 10,
        kai_credits_used: 10,
        reset_at: '2020-01-01T00:00:00Z',
      });
      expect(await checkQuota(orgId, 100, 10)).toBe(true);
      expect(await checkQuota(orgId, 101)).toBe(false);

      // The overage of the ended period no longer counts against the cap either.
      const capped = await orgWithQuota({
        tokens_limit: 100,
        tokens_used: 100,
        allow_overage: true,
        overage_cap_usd: '5.00',
        overage_used_usd: '5.0000',
        reset_at: '2020-01-01T00:00:00Z',
      });
      expect(await checkQuota(capped, 101)).toBe(true);
    });

    it('counts in BIGINT: limits, counters and requests past 2^31', async () => {
      const orgId = await orgWithQuota({
        tokens_limit: '10000000000',
        tokens_used: '9000000000',
        kai_credits_limit: '5000000000',
        kai_credits_used: '4999999999',
        render_seconds_limit: '3000000000',
      });
      expect(await checkQuota(orgId, '1000000000')).toBe(true);
      expect(await checkQuota(orgId, '1000000001')).toBe(false);
      expect(await checkQuota(orgId, 0, 1)).toBe(true);
      expect(await checkQuota(orgId, 0, 2)).toBe(false);
      expect(await checkQuota(orgId, 0, 0, '3000000000')).toBe(true);
      expect(await checkQuota(orgId, 0, 0, '3000000000.01')).toBe(false);

      // The trigger adds onto a counter past 2^31 too (one record's own
      // amounts are INTEGER), and so do a job's cost totals.
      await recordUsage(orgId, {
        resource_type: 'llm_tokens',
        llm_tokens_prompt: 1_500_000_000,
        llm_tokens_output: 500_000_000,
        cost_usd: '1.00',
      });
      const [row] = await database.query<{ tokens_used: string }>(`SELECT tokens_used::text FROM quota_limits WHERE org_id = $1`, [orgId]);
      expect(row!.tokens_used).toBe('11000000000');
      const [job] = await database.query<{ cost_tokens: string; cost_kai_credits: string }>(
        `INSERT INTO jobs (org_id, config, cost_tokens, cost_kai_credits) VALUES ($1, '{}', 4294967296, 3000000000)
         RETURNING cost_tokens::text, cost_kai_credits::text`,
        [orgId],
      );
      expect(job).toEqual({ cost_tokens: '4294967296', cost_kai_credits: '3000000000' });
    });

    it('takes bigint amounts, under one signature', async () => {
      const rows = await database.query<{ signature: string }>(`SELECT oid::regprocedure::text AS signature FROM pg_proc WHERE proname = 'check_quota'`);
      expect(rows).toEqual([{ signature: 'check_quota(text,bigint,bigint,numeric)' }]);
      // Callers pass plain integer literals.
      const orgId = await newOrg();
      const [row] = await database.query<{ allowed: boolean }>(`SELECT check_quota($1, 0, 0, 0) AS allowed`, [orgId]);
      expect(row!.allowed).toBe(true);
    });

    it('is STABLE', async () => {
      const [row] = await database.query<{ volatility: string }>(`SELECT provolatile AS volatility FROM pg_proc WHERE proname = 'check_quota'`);
      expect(row!.volatility).toBe('s');
    });
  });

  describe('update_quota_usage', () => {
    it('adds each resource to its own counter', async () => {
      const orgId = await orgWithQuota({});
      await recordUsage(orgId, {
        resource_type: 'llm_tokens',
        llm_tokens_prompt: 15,
        llm_tokens_output: 5,
        cost_usd: '0.02',
      });
      await recordUsage(orgId, { resource_type: 'llm_tokens', llm_tokens_prompt: 7, cost_usd: '0.01' });
      await recordUsage(orgId, { resource_type: 'kai_credits', kai_credits: 12, cost_usd: '1.2' });
      await recordUsage(orgId, { resource_type: 'render_seconds', render_seconds: '30.25', cost_usd: '0.3' });
      await recordUsage(orgId, { resource_type: 'storage', storage_bytes: '5000000000', cost_usd: '0' });
      expect(await counters(orgId)).toEqual({
        tokens_used: 27,
        kai_credits_used: 12,
        render_seconds_used: '30.25',
        storage_bytes_used: '5000000000',
        overage_used_usd: '0.0000',
        reset_at: '2999-01-01T00:00:00Z',
      });
    });

    it('charges as overage the share of the cost beyond the limit', async () => {
      const orgId = await orgWithQuota({ tokens_limit: 100, tokens_used: 90 });
      // 20 tokens for $2 with 10 left: 10 are beyond the limit, $1.
      await recordUsage(orgId, {
        resource_type: 'llm_tokens',
        llm_tokens_prompt: 12,
        llm_tokens_output: 8,
        cost_usd: '2.00',
      });
      expect(await counters(orgId)).toMatchObject({ tokens_used: 110, overage_used_usd: '1.0000' });

      // Already past the limit: all of it is overage.
      await recordUsage(orgId, { resource_type: 'llm_tokens', llm_tokens_prompt: 10, cost_usd: '3.00' });
      expect(await counters(orgId)).toMatchObject({ tokens_used: 120, overage_used_usd: '4.0000' });
    });

    it('computes overage per resource and adds it up', async () => {
      const orgId = await orgWithQuota({
        kai_credits_limit: 50,
        kai_credits_used: 50,
        render_seconds_limit: 60,
        render_seconds_used: '0',
      });
      // 70.5 s for $7.05 with 60 s left: 10.5 s beyond, $1.05.
      await recordUsage(orgId, { resource_type: 'render_seconds', render_seconds: '70.50', cost_usd: '7.05' });
      // 4 credits beyond for $0.40.
      await recordUsage(orgId, { resource_type: 'kai_credits', kai_credits: 4, cost_usd: '0.40' });
      expect(await counters(orgId)).toMatchObject({
        kai_credits_used: 54,
        render_seconds_used: '70.50',
        overage_used_usd: '1.4500',
      });
    });

    it('counts speech (TTS characters, transcription minutes) in no counter and as no overage, even past every limit', async () => {
      const limits = { tokens_limit: 10, tokens_used: 20, render_seconds_limit: 10, render_seconds_used: '20.00', kai_credits_limit: 1, kai_credits_used: 2 };
      const orgId = await orgWithQuota({ ...limits, storage_bytes_limit: 1, storage_bytes_used: 2, allow_overage: true });
      const before = await counters(orgId);
      await recordUsage(orgId, { resource_type: 'tts_characters', tts_characters: 1200, tts_model: 'tts-1', cost_usd: '0.0180' });
      await recordUsage(orgId, {
        resource_type: 'transcription_minutes',
        transcription_minutes: '2.5000',
        transcription_model: 'whisper-1',
        cost_usd: '0.0150',
      });
      expect(await counters(orgId)).toEqual(before);
      // They bring nothing nearer a refusal either.
      const fresh = await orgWithQuota({ tokens_limit: 10 });
      await recordUsage(fresh, { resource_type: 'tts_characters', tts_characters: 1_000_000, tts_model: 'tts-1', cost_usd: '15.0000' });
      expect(await checkQuota(fresh, 10)).toBe(true);
    });

    it('charges no overage within the limit, at it, or without a limit', async () => {
      const orgId = await orgWithQuota({ tokens_limit: 100, tokens_used: 80 });
      await recordUsage(orgId, { resource_type: 'llm_tokens', llm_tokens_prompt: 20, cost_usd: '5.00' });
      expect(await counters(orgId)).toMatchObject({ tokens_used: 100, overage_used_usd: '0.0000' });

      const unlimited = await orgWithQuota({ tokens_used: 1_000_000 });
      await recordUsage(unlimited, { resource_type: 'llm_tokens', llm_tokens_prompt: 20, cost_usd: '5.00' });
      expect(await counters(unlimited)).toMatchObject({ tokens_used: 1_000_020, overage_used_usd: '0.0000' });
    });

    it('starts a new period when the record comes after reset_at', async () => {
      const orgId = await orgWithQuota({
        tokens_limit: 100,
        tokens_used: 100,
        kai_credits_used: 9,
        render_seconds_used: '9.00',
        storage_bytes_used: 9,
        overage_used_usd: '9.0000',
        reset_at: '2031-05-01T00:00:00Z',
      });
      await recordUsage(orgId, {
        resource_type: 'llm_tokens',
        llm_tokens_prompt: 30,
        cost_usd: '3.00',
        created_at: '2031-05-17T12:00:00Z',
      });
      expect(await counters(orgId)).toEqual({
        tokens_used: 30,
        kai_credits_used: 0,
        render_seconds_used: '0.00',
        storage_bytes_used: '0',
        overage_used_usd: '0.0000',
        reset_at: '2031-06-01T00:00:00Z',
      });

      // Before the new reset_at: the period goes on.
      await recordUsage(orgId, {
        resource_type: 'llm_tokens',
        llm_tokens_prompt: 80,
        cost_usd: '8.00',
        created_at: '2031-05-31T23:59:59Z',
      });
      expect(await counters(orgId)).toMatchObject({
        tokens_used: 110,
        overage_used_usd: '1.0000',
        reset_at: '2031-06-01T00:00:00Z',
      });
    });

    it('moves reset_at to the first day of the month after the record, in UTC', async () => {
      const orgId = await orgWithQuota({ reset_at: '2031-05-01T00:00:00Z', kai_credits_used: 5 });
      // 23:30 on 31 May in Chicago is 04:30 on 1 June in UTC.
      await recordUsage(orgId, {
        resource_type: 'kai_credits',
        kai_credits: 2,
        cost_usd: '0.2',
        created_at: '2031-05-31T23:30:00-05:00',
      });
      expect(await counters(orgId)).toMatchObject({ kai_credits_used: 2, reset_at: '2031-07-01T00:00:00Z' });
    });

    it('leaves orgs without a quota row alone', async () => {
      const orgId = await newOrg();
      await recordUsage(orgId, { resource_type: 'kai_credits', kai_credits: 3, cost_usd: '0.3' });
      const rows = await database.query(`SELECT * FROM quota_limits WHERE org_id = $1`, [orgId]);
      expect(rows).toEqual([]);
      const usage = await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM usage_records WHERE org_id = $1`, [orgId]);
      expect(usage[0]!.n).toBe(1);
    });

    it('gives check_quota what it needs to refuse the next request', async () => {
      const orgId = await orgWithQuota({
        kai_credits_limit: 10,
        allow_overage: true,
        overage_cap_usd: '1.00',
      });
      expect(await checkQuota(orgId, 0, 10)).toBe(true);
      await recordUsage(orgId, { resource_type: 'kai_credits', kai_credits: 10, cost_usd: '1.00' });
      // At the limit, no overage yet: a request past it is allowed as overage.
      expect(await checkQuota(orgId, 0, 1)).toBe(true);
      await recordUsage(orgId, { resource_type: 'kai_credits', kai_credits: 10, cost_usd: '1.00' });
      expect(await counters(orgId)).toMatchObject({ kai_credits_used: 20, overage_used_usd: '1.0000' });
      // The cap is used up.
      expect(await checkQuota(orgId, 0, 1)).toBe(false);
      expect(await checkQuota(orgId)).toBe(false);
    });
  });
});
