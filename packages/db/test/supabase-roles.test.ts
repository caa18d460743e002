import { readMigrationFiles } from '@fenta/db';
import { attempt, insertOrg, insertUser, noPrivilege, type Query } from './org-fixture';
import { createTestDatabase, type TestDatabase } from './test-database';

// Supabase's API roles, anon and authenticated, reach the tables directly and
// receive every privilege on every new table, function and sequence in public
// by default. This database is set up the same way, then given the migration
// files as Supabase's SQL editor would run them: each file as one script, with
// no migrator (so no fenta_migrations). Afterwards both roles must hold
// exactly what fenta_app holds, nothing that skips row-level security, and
// nothing on partitions (including one made later) or the materialized view.
//
// Roles belong to the whole cluster: anon and authenticated are created when
// missing and left in place (the suite's cluster is thrown away after the run).

const tenantRoles = ['fenta_app', 'anon', 'authenticated'] as const;

describe('on Supabase, anon and authenticated', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false });
    await database.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN CREATE ROLE anon NOLOGIN NOINHERIT; END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN CREATE ROLE authenticated NOLOGIN NOINHERIT; END IF;
      END
      $$`);
    await database.query(`
      GRANT USAGE ON SCHEMA public TO anon, authenticated;
      ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated;
      ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated;
      ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated`);
    for (const file of await readMigrationFiles()) {
      // Without parameters, one query is one simple-protocol script: one implicit transaction, like the SQL editor's.
      await database.query(file.sql);
    }
    // A partition made after the migrations, as the scheduler's upkeep does.
    await database.query(`SELECT fenta_create_month_partition('usage_records', (now() + interval '40 months')::date)`);
  });
  afterAll(async () => {
    await database.drop();
  });

  async function privileges(role: string): Promise<string[]> {
    const rows = await database.query<{ grant: string }>(
      `
      SELECT c.relname || ' ' || p.privilege AS grant
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS p (privilege)
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'm') AND has_table_privilege($1, c.oid, p.privilege)
      UNION ALL
      SELECT c.relname || '.' || a.attname || ' ' || p.privilege
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE']) AS p (privilege)
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'm')
        AND NOT has_table_privilege($1, c.oid, p.privilege) AND has_column_privilege($1, c.oid, a.attnum, p.privilege)
      ORDER BY 1`,
      [role],
    );
    return rows.map((r) => r.grant);
  }

  it('hold exactly the table and column privileges of fenta_app', async () => {
    const app = await privileges('fenta_app');
    expect(await privileges('authenticated')).toEqual(app);
    expect(await privileges('anon')).toEqual(app);
    // fenta_app's own, in brief: the columns a client sets on jobs, and nothing of the system's tables.
    expect(app.filter((grant) => grant.startsWith('jobs'))).toEqual([
      'jobs SELECT',
      'jobs.cancel_requested_at UPDATE',
      'jobs.config INSERT',
      'jobs.created_by INSERT',
      'jobs.idempotency_key INSERT',
      'jobs.org_id INSERT',
      'jobs.project_id INSERT',
      'jobs.template_id INSERT',
      'jobs.workflow_id INSERT',
    ]);
    for (const table of ['job_nodes', 'job_events', 'renders', 'job_logs', 'usage_records', 'webhook_deliveries', 'kai_generations']) {
      expect(app.filter((grant) => grant.split(/[ .]/)[0] === table)).toEqual([`${table} SELECT`]);
    }
  });

  it('have nothing that skips row-level security, and nothing on partitions or the materialized view', async () => {
    for (const role of tenantRoles) {
      const grants = await privileges(role);
      expect({ role, bypassing: grants.filter((g) => /(TRUNCATE|REFERENCES|TRIGGER)$/.test(g)) }).toEqual({ role, bypassing: [] });
      expect({ role, closed: grants.filter((g) => /^(usage_records_|audit_logs_|mv_daily_usage)/.test(g)) }).toEqual({ role, closed: [] });
    }
  });

  it('may call the credentials function only when signed in', async () => {
    const [row] = await database.query<Record<string, boolean>>(`
      SELECT has_function_privilege('anon', 'fenta_integration_credentials(text)', 'EXECUTE') AS anon,
             has_function_privilege('authenticated', 'fenta_integration_credentials(text)', 'EXECUTE') AS authenticated,
             has_function_privilege('fenta_app', 'fenta_integration_credentials(text)', 'EXECUTE') AS fenta_app`);
    expect(row).toEqual({ anon: false, authenticated: true, fenta_app: true });
  });

  it("may not call the job API's system functions, which fenta_app calls for the API", async () => {
    const functions = [
      'fenta_reserve_job_quota(text, bigint, bigint, numeric)',
      'fenta_store_idempotent_response(text, text, text, integer, jsonb, text)',
      'fenta_reuse_job_checkpoints(text, text, text[])',
      'fenta_cancel_unclaimed_job(text)',
    ];
    for (const fn of functions) {
      const [row] = await database.query<Record<string, boolean>>(
        `SELECT has_function_privilege('anon', $1, 'EXECUTE') AS anon, has_function_privilege('authenticated', $1, 'EXECUTE') AS authenticated,
                has_function_privilege('fenta_app', $1, 'EXECUTE') AS fenta_app`,
        [fn],
      );
      expect({ fn, ...row }).toEqual({ fn, anon: false, authenticated: false, fenta_app: true });
    }
  });

  it('are held to the same rules through the JWT claims', async () => {
    const q = database.query;
    const editor = await insertUser(q, 'supabase-editor');
    const { orgId } = await insertOrg(q, 'supabase', editor, { [editor]: 'editor' });
    const [job] = await q<{ id: string }>(`INSERT INTO jobs (org_id, config) VALUES ($1, '{}') RETURNING id`, [orgId]);
    const client = await database.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL ROLE authenticated');
      await client.query(`SELECT set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ sub: editor, role: 'authenticated' })]);
      const scoped: Query = async (text, params) => (await client.query(text, params as unknown[])).rows;
      expect({
        checkpoint: await attempt(scoped, `INSERT INTO job_nodes (job_id, org_id, node_id, status) VALUES ($1, $2, 'n1', 'completed')`, [job!.id, orgId]),
        state: await attempt(scoped, `UPDATE jobs SET status = 'completed' WHERE id = $1`, [job!.id]),
        truncate: await attempt(scoped, `TRUNCATE usage_records`),
        job: await attempt(scoped, `INSERT INTO jobs (org_id, config, created_by) VALUES ($1, '{}', $2) RETURNING status`, [orgId, editor]),
      }).toEqual({
        checkpoint: noPrivilege('job_nodes'),
        state: noPrivilege('jobs'),
        truncate: noPrivilege('usage_records'),
        job: { rows: [{ status: 'queued' }] },
      });
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
