import { createTestDatabase, type TestDatabase } from './test-database';

interface Month {
  /** YYYY_MM, as in partition names */
  suffix: string;
  /** first day, YYYY-MM-DD */
  start: string;
}

describe('monthly partitions of usage_records and audit_logs', () => {
  let database: TestDatabase;
  let userId: string;
  let orgId: string;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    const [user] = await database.query<{ id: string }>(`INSERT INTO users (email, password_hash, name) VALUES ('parts@example.com', 'h', 'P') RETURNING id`);
    userId = user!.id;
    const [org] = await database.query<{ id: string }>(`INSERT INTO orgs (name, slug, owner_id) VALUES ('P', 'parts', $1) RETURNING id`, [userId]);
    orgId = org!.id;
  });
  afterAll(async () => {
    await database.drop();
  });

  /** The UTC month `offset` months from the database's current one. */
  async function month(offset: number): Promise<Month> {
    const [row] = await database.query<Month>(
      `SELECT to_char(m, 'YYYY_MM') AS suffix, to_char(m, 'YYYY-MM-DD') AS start
       FROM (SELECT date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => $1::int) AS m) s`,
      [offset],
    );
    return row!;
  }

  async function partitionsOf(parent: string): Promise<string[]> {
    const rows = await database.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = $1::regclass ORDER BY c.relname`,
      [parent],
    );
    return rows.map((r) => r.name);
  }

  async function insertUsage(createdAt: string, kaiCredits = 1): Promise<string> {
    const [row] = await database.query<{ id: string }>(
      `INSERT INTO usage_records (org_id, user_id, resource_type, kai_credits, cost_usd, created_at)
       VALUES ($1, $2, 'kai_credits', $3, 0.1, $4::timestamptz) RETURNING id`,
      [orgId, userId, kaiCredits, createdAt],
    );
    return row!.id;
  }

  async function insertAudit(createdAt: string): Promise<string> {
    const [row] = await database.query<{ id: string }>(
      `INSERT INTO audit_logs (org_id, user_id, action, resource_type, created_at)
       VALUES ($1, $2, 'create', 'job', $3::timestamptz) RETURNING id`,
      [orgId, userId, createdAt],
    );
    return row!.id;
  }

  async function partitionOf(table: 'usage_records' | 'audit_logs', id: string): Promise<string> {
    const [row] = await database.query<{ partition: string }>(`SELECT tableoid::regclass::text AS partition FROM ${table} WHERE id = $1`, [id]);
    return row!.partition;
  }

  it('a migrated database has this month and the next three, and a default partition', async () => {
    const months = await Promise.all([0, 1, 2, 3].map(month));
    for (const table of ['usage_records', 'audit_logs']) {
      expect(await partitionsOf(table)).toEqual([...months.map((m) => `${table}_${m.suffix}`), `${table}_default`]);
    }
  });

  it('puts rows of this month, next month and two years away in the right partition', async () => {
    const next = await month(1);
    const far = await month(24);
    const current = await month(0);

    const usageNow = await insertUsage(new Date().toISOString());
    const usageNext = await insertUsage(`${next.start}T12:00:00Z`);
    const usageFar = await insertUsage(`${far.start}T12:00:00Z`);
    expect(await partitionOf('usage_records', usageNow)).toBe(`usage_records_${current.suffix}`);
    expect(await partitionOf('usage_records', usageNext)).toBe(`usage_records_${next.suffix}`);
    expect(await partitionOf('usage_records', usageFar)).toBe('usage_records_default');

    const auditNow = await insertAudit(new Date().toISOString());
    const auditNext = await insertAudit(`${next.start}T12:00:00Z`);
    const auditFar = await insertAudit(`${far.start}T12:00:00Z`);
    expect(await partitionOf('audit_logs', auditNow)).toBe(`audit_logs_${current.suffix}`);
    expect(await partitionOf('audit_logs', auditNext)).toBe(`audit_logs_${next.suffix}`);
    expect(await partitionOf('audit_logs', auditFar)).toBe('audit_logs_default');
  });

  it('bounds partitions at UTC midnight on the first of the month', async () => {
    const next = await month(1);
    const current = await month(0);
    const atStart = await insertUsage(`${next.start}T00:00:00Z`);
    const justBefore = await insertUsage(`${next.start}T00:00:00Z`);
    await database.query(`UPDATE usage_records SET created_at = created_at - interval '1 microsecond' WHERE id = $1`, [justBefore]);
    expect(await partitionOf('usage_records', atStart)).toBe(`usage_records_${next.suffix}`);
    expect(await partitionOf('usage_records', justBefore)).toBe(`usage_records_${current.suffix}`);
  });

  it('fenta_create_month_partition moves the month out of the default partition', async () => {
    const target = await month(30);
    const after = await month(31);
    await database.query(`INSERT INTO quota_limits (org_id, reset_at) VALUES ($1, '3000-01-01T00:00:00Z')`, [orgId]);

    const inMonth = [
      await insertUsage(`${target.start}T00:00:00Z`, 1),
      await insertUsage(`${target.start}T12:00:00Z`, 2),
      await insertUsage(`${after.start}T00:00:00Z`, 4),
    ];
    // The last microsecond of the month.
    await database.query(`UPDATE usage_records SET created_at = created_at - interval '1 microsecond' WHERE id = $1`, [inMonth[2]]);
    const nextMonthRow = await insertUsage(`${after.start}T00:00:00Z`, 8);
    const auditIn = await insertAudit(`${target.start}T06:00:00Z`);
    const auditAfter = await insertAudit(`${after.start}T06:00:00Z`);
    for (const id of [...inMonth, nextMonthRow]) {
      expect(await partitionOf('usage_records', id)).toBe('usage_records_default');
    }

    const quotaBefore = await database.query(`SELECT kai_credits_used::int AS kai_credits_used FROM quota_limits WHERE org_id = $1`, [orgId]);
    expect(quotaBefore).toEqual([{ kai_credits_used: 15 }]);
    const countBefore = await database.query(`SELECT count(*)::int AS n FROM usage_records`);

    const mid = target.start.replace(/-01$/, '-15');
    const [created] = await database.query<{ name: string }>(`SELECT fenta_create_month_partition('usage_records', $1::date) AS name`, [mid]);
    expect(created!.name).toBe(`usage_records_${target.suffix}`);
    const [createdAudit] = await database.query<{ name: string }>(`SELECT fenta_create_month_partition('audit_logs'::regclass, $1::date) AS name`, [
      target.start,
    ]);
    expect(createdAudit!.name).toBe(`audit_logs_${target.suffix}`);

    for (const id of inMonth) {
      expect(await partitionOf('usage_records', id)).toBe(`usage_records_${target.suffix}`);
    }
    expect(await partitionOf('usage_records', nextMonthRow)).toBe('usage_records_default');
    expect(await partitionOf('audit_logs', auditIn)).toBe(`audit_logs_${target.suffix}`);
    expect(await partitionOf('audit_logs', auditAfter)).toBe('audit_logs_default');

    // Nothing lost, nothing counted twice.
    expect(await database.query(`SELECT count(*)::int AS n FROM usage_records`)).toEqual(countBefore);
    expect(await database.query(`SELECT kai_credits_used::int AS kai_credits_used FROM quota_limits WHERE org_id = $1`, [orgId])).toEqual(quotaBefore);
    const moved = await database.query<{ kai_credits: number; user_id: string }>(
      `SELECT kai_credits, user_id FROM usage_records WHERE id = ANY ($1) ORDER BY kai_credits`,
      [inMonth],
    );
    expect(moved).toEqual([
      { kai_credits: 1, user_id: userId },
      { kai_credits: 2, user_id: userId },
      { kai_credits: 4, user_id: userId },
    ]);

    // The new partition is a full member: indexes, row-level security, and
    // the parent's triggers (a new row of that month is counted in the quota).
    const [shape] = await database.query<{ indexes: number; default_indexes: number; rls: boolean }>(
      `SELECT (SELECT count(*)::int FROM pg_index WHERE indrelid = $1::regclass) AS indexes,
              (SELECT count(*)::int FROM pg_index WHERE indrelid = 'usage_records_default'::regclass) AS default_indexes,
              (SELECT relrowsecurity FROM pg_class WHERE oid = $1::regclass) AS rls`,
      [`usage_records_${target.suffix}`],
    );
    expect(shape!.indexes).toBe(shape!.default_indexes);
    expect(shape!.rls).toBe(true);
    const another = await insertUsage(`${target.start}T18:00:00Z`, 16);
    expect(await partitionOf('usage_records', another)).toBe(`usage_records_${target.suffix}`);
    expect(await database.query(`SELECT kai_credits_used::int AS kai_credits_used FROM quota_limits WHERE org_id = $1`, [orgId])).toEqual([
      { kai_credits_used: 31 },
    ]);
  });

  it('fenta_create_month_partition creates an empty month directly and is idempotent', async () => {
    const target = await month(40);
    const before = await partitionsOf('usage_records');
    const first = await database.query(`SELECT fenta_create_month_partition('usage_records', $1::date) AS name`, [target.start]);
    const second = await database.query(`SELECT fenta_create_month_partition('usage_records', $1::date) AS name`, [target.start]);
    expect(first).toEqual([{ name: `usage_records_${target.suffix}` }]);
    expect(second).toEqual(first);
    expect(await partitionsOf('usage_records')).toEqual([...before, `usage_records_${target.suffix}`].sort());

    const id = await insertUsage(`${target.start}T00:00:00Z`);
    expect(await partitionOf('usage_records', id)).toBe(`usage_records_${target.suffix}`);
  });

  it('fenta_ensure_partitions is idempotent', async () => {
    const months = await Promise.all([0, 1, 2, 3].map(month));
    const expected = [...months.map((m) => `usage_records_${m.suffix}`), ...months.map((m) => `audit_logs_${m.suffix}`)];
    const usageBefore = await partitionsOf('usage_records');
    const auditBefore = await partitionsOf('audit_logs');

    const first = await database.query<{ name: string }>(`SELECT name FROM fenta_ensure_partitions() AS name`);
    const second = await database.query<{ name: string }>(`SELECT name FROM fenta_ensure_partitions(3) AS name`);
    expect(first.map((r) => r.name)).toEqual(expected);
    expect(second).toEqual(first);
    expect(await partitionsOf('usage_records')).toEqual(usageBefore);
    expect(await partitionsOf('audit_logs')).toEqual(auditBefore);

    // Further ahead adds exactly the missing months.
    const extra = await Promise.all([4, 5].map(month));
    await database.query(`SELECT fenta_ensure_partitions(5)`);
    expect(await partitionsOf('usage_records')).toEqual([...usageBefore, ...extra.map((m) => `usage_records_${m.suffix}`)].sort());
    expect(await partitionsOf('audit_logs')).toEqual([...auditBefore, ...extra.map((m) => `audit_logs_${m.suffix}`)].sort());
  });

  it('mv_daily_usage refreshes concurrently with the sums per org and UTC day', async () => {
    const [other] = await database.query<{ id: string }>(`INSERT INTO orgs (name, slug, owner_id) VALUES ('Daily', 'daily', $1) RETURNING id`, [userId]);
    const daily = other!.id;
    const usage = [
      ['2031-01-10T10:00:00Z', 'llm_tokens', { llm_tokens_prompt: 100, llm_tokens_output: 50 }, '0.0150'],
      // No output count: counts as 0, does not void the day's sum.
      ['2031-01-10T11:00:00Z', 'llm_tokens', { llm_tokens_prompt: 10 }, '0.0010'],
      ['2031-01-10T12:00:00Z', 'kai_credits', { kai_credits: 5 }, '0.5000'],
      ['2031-01-10T23:59:59Z', 'render_seconds', { render_seconds: '12.50' }, '0.1250'],
      ['2031-01-10T20:00:00-05:00', 'kai_credits', { kai_credits: 3 }, '0.3000'], // 01:00 UTC on the 11th
      ['2031-01-11T08:00:00Z', 'storage', { storage_bytes: 1000 }, '0.0001'],
    ] as const;
    for (const [createdAt, resourceType, amounts, cost] of usage) {
      const columns = Object.keys(amounts);
      await database.query(
        `INSERT INTO usage_records (org_id, resource_type, cost_usd, created_at${columns.map((c) => `, ${c}`).join('')})
         VALUES ($1, $2, $3, $4::timestamptz${columns.map((_, i) => `, $${i + 5}`).join('')})`,
        [daily, resourceType, cost, createdAt, ...Object.values(amounts)],
      );
    }

    const read = () =>
      database.query(
        `SELECT date::text, total_tokens::text, total_kai_credits::text, total_render_seconds::text,
                total_cost_usd::text
         FROM mv_daily_usage WHERE org_id = $1 ORDER BY date`,
        [daily],
      );

    await database.query(`REFRESH MATERIALIZED VIEW CONCURRENTLY mv_daily_usage`);
    expect(await read()).toEqual([
      {
        date: '2031-01-10',
        total_tokens: '160',
        total_kai_credits: '5',
        total_render_seconds: '12.50',
        total_cost_usd: '0.6410',
      },
      {
        date: '2031-01-11',
        total_tokens: '0',
        total_kai_credits: '3',
        total_render_seconds: '0',
        total_cost_usd: '0.3001',
      },
    ]);

    await database.query(
      `INSERT INTO usage_records (org_id, resource_type, llm_tokens_prompt, llm_tokens_output, cost_usd, created_at)
       VALUES ($1, 'llm_tokens', 7, 3, 0.001, '2031-01-11T09:00:00Z')`,
      [daily],
    );
    await database.query(`REFRESH MATERIALIZED VIEW CONCURRENTLY mv_daily_usage`);
    expect(await read()).toEqual([
      {
        date: '2031-01-10',
        total_tokens: '160',
        total_kai_credits: '5',
        total_render_seconds: '12.50',
        total_cost_usd: '0.6410',
      },
      {
        date: '2031-01-11',
        total_tokens: '10',
        total_kai_credits: '3',
        total_render_seconds: '0',
        total_cost_usd: '0.3011',
      },
    ]);

    // The view agrees with the table for every org and day.
    const mismatches = await database.query(`
      SELECT org_id, (created_at AT TIME ZONE 'UTC')::date AS date, sum(cost_usd) AS cost
      FROM usage_records GROUP BY 1, 2
      EXCEPT
      SELECT org_id, date, total_cost_usd FROM mv_daily_usage`);
    expect(mismatches).toEqual([]);
  });
});
