import { attempt, createTwoOrgs, noPrivilege, type Outcome, type Query, type TwoOrgs } from './org-fixture';
import { createTestDatabase, type TestDatabase } from './test-database';

// The system functions of 00013, which a tenant's transaction calls after
// the API's checks: each checks the current user's right itself, so a
// tenant reaches no further through them than the API would let it, and the
// tables behind them (idempotency_keys, the reservation columns, copied
// checkpoints) stay closed to direct writes.

const refused = (message: string): Outcome => ({ error: { code: '42501', message } });

describe('the job API functions (00013)', () => {
  let database: TestDatabase;
  let two: TwoOrgs;
  const q: Query = (text, params) => database.query(text, params);

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    two = await createTwoOrgs(database.query);
  });
  afterAll(async () => {
    await database.drop();
  });

  /** A job of org A made by `userId` (the system writes it: tests are about what comes after). */
  const jobOf = async (orgId: string, userId: string | null, status = 'queued') =>
    (await q<{ id: string }>(`INSERT INTO jobs (org_id, config, created_by, status) VALUES ($1, '{}', $2, $3) RETURNING id`, [orgId, userId, status]))[0]!.id;

  it('lets no tenant write idempotency_keys, the reservation columns or the copied-from column directly', async () => {
    const job = await jobOf(two.orgA, two.users.editor);
    const outcomes = await database.withUser(two.users.editor, async (scoped) => ({
      key: await attempt(
        scoped,
        `INSERT INTO idempotency_keys (org_id, key, request_hash, response_status, response_body) VALUES ($1, 'k', repeat('a', 64), 202, '{}')`,
        [two.orgA],
      ),
      read: await attempt(scoped, `SELECT * FROM idempotency_keys`),
      reserve: await attempt(scoped, `INSERT INTO jobs (org_id, config, created_by, reserved_tokens) VALUES ($1, '{}', $2, 0)`, [two.orgA, two.users.editor]),
      unreserve: await attempt(scoped, `UPDATE jobs SET reserved_render_seconds = 0 WHERE id = $1`, [job]),
      copied: await attempt(scoped, `UPDATE job_nodes SET reused_from_job_id = $1`, [job]),
    }));
    expect(outcomes).toEqual({
      key: noPrivilege('idempotency_keys'),
      read: noPrivilege('idempotency_keys'),
      reserve: noPrivilege('jobs'),
      unreserve: noPrivilege('jobs'),
      copied: noPrivilege('job_nodes'),
    });
  });

  it("reserves quota only for the current user's own new job, as an editor or above; the system for any new job", async () => {
    const mine = await jobOf(two.orgA, two.users.editor);
    const admins = await jobOf(two.orgA, two.users.admin);
    const theirs = await jobOf(two.orgB, two.users.ownerB);
    const viewers = await jobOf(two.orgA, two.users.viewer);
    const reserve = (scoped: Query, job: string) => attempt(scoped, `SELECT fenta_reserve_job_quota($1, 10, 0, 5) AS short`, [job]);
    const asEditor = await database.withUser(two.users.editor, async (scoped) => ({
      mine: await reserve(scoped, mine),
      again: await reserve(scoped, mine),
      admins: await reserve(scoped, admins),
      theirs: await reserve(scoped, theirs),
      negative: await attempt(scoped, `SELECT fenta_reserve_job_quota($1, -1, 0, 0)`, [mine]),
      // withUser rolls its transaction back: what it reserved is read inside it.
      row: await attempt(scoped, `SELECT reserved_tokens::int AS tokens, reserved_render_seconds AS render_seconds FROM jobs WHERE id = $1`, [mine]),
    }));
    expect(asEditor).toEqual({
      mine: { rows: [{ short: null }] },
      again: { error: { code: '55000', message: expect.stringContaining('is not a new job') } },
      admins: refused(`permission denied to reserve quota for job ${admins}`),
      theirs: refused(`permission denied to reserve quota for job ${theirs}`),
      negative: { error: { code: '22023', message: 'fenta_reserve_job_quota: amounts must be zero or more' } },
      row: { rows: [{ tokens: 10, render_seconds: '5.00' }] },
    });
    // A viewer does not run jobs, even one recorded as theirs.
    expect(await database.withUser(two.users.viewer, (scoped) => reserve(scoped, viewers))).toEqual(
      refused(`permission denied to reserve quota for job ${viewers}`),
    );
    // The system (the scheduler, the CLI) reserves for jobs no user made.
    const scheduled = await jobOf(two.orgA, null);
    expect(await q(`SELECT fenta_reserve_job_quota($1, 0, 0, 30) AS short`, [scheduled])).toEqual([{ short: null }]);
    // …and no tenant does, not even the org's owner.
    const unowned = await jobOf(two.orgA, null);
    expect(await database.withUser(two.users.owner, (scoped) => reserve(scoped, unowned))).toEqual(
      refused(`permission denied to reserve quota for job ${unowned}`),
    );
    expect(await q(`SELECT reserved_tokens::int AS tokens, reserved_render_seconds AS render_seconds FROM jobs WHERE id = $1`, [scheduled])).toEqual([
      { tokens: 0, render_seconds: '30.00' },
    ]);
  });

  it("holds a job's reservation less its usage while it is unfinished, and nothing once it ended", async () => {
    const { orgB } = two;
    const job = await jobOf(orgB, two.users.ownerB);
    await q(`SELECT fenta_reserve_job_quota($1, 2000, 0, 60)`, [job]);
    const held = () => q(`SELECT tokens::int, kai_credits::int, render_seconds FROM fenta_quota_reserved($1)`, [orgB]);
    expect(await held()).toEqual([{ tokens: 2000, kai_credits: 0, render_seconds: '60.00' }]);
    await q(`UPDATE jobs SET status = 'processing', cost_tokens = 1500, cost_render_seconds = 70 WHERE id = $1`, [job]);
    expect(await held()).toEqual([{ tokens: 500, kai_credits: 0, render_seconds: '0.00' }]);
    for (const status of ['completed', 'failed', 'cancelled']) {
      await q(`UPDATE jobs SET status = $2 WHERE id = $1`, [job, status]);
      expect(await held()).toEqual([{ tokens: 0, kai_credits: 0, render_seconds: '0.00' }]);
    }
  });

  it("copies a failed or cancelled parent's completed checkpoints into the current user's new job of the same org only", async () => {
    const parent = await jobOf(two.orgA, two.users.editor, 'failed');
    await q(
      `INSERT INTO job_nodes (job_id, org_id, node_id, node_type, status, attempt, output, cost_usd, usage)
       VALUES ($1, $2, 'a', 'Input.Stock', 'completed', 2, '{"clips": 1}', 0.5, '[{"resource": "storage"}]'),
              ($1, $2, 'b', 'Script.Generate', 'completed', 1, '{"title": "t"}', 0.2, '[]'),
              ($1, $2, 'c', 'Voice.TTS', 'failed', 3, NULL, 0, '[]')`,
      [parent, two.orgA],
    );
    const running = await jobOf(two.orgA, two.users.editor, 'processing');
    const foreign = await jobOf(two.orgB, two.users.ownerB, 'failed');
    const child = await jobOf(two.orgA, two.users.editor);
    const reuse = (scoped: Query, job: string, from: string, nodes: string[]) =>
      attempt(scoped, `SELECT fenta_reuse_job_checkpoints($1, $2, $3) AS copied`, [job, from, nodes]);
    const outcomes = await database.withUser(two.users.editor, async (scoped) => ({
      foreign: await reuse(scoped, child, foreign, ['a']),
      running: await reuse(scoped, child, running, ['a']),
      copied: await reuse(scoped, child, parent, ['a', 'b', 'c']),
      twice: await reuse(scoped, child, parent, ['a']),
      rows: await attempt(
        scoped,
        `SELECT node_id, node_type, status, attempt, output, cost_usd, usage, reused_from_job_id FROM job_nodes WHERE job_id = $1 ORDER BY node_id`,
        [child],
      ),
      parent: await attempt(scoped, `SELECT parent_job_id FROM jobs WHERE id = $1`, [child]),
    }));
    expect(outcomes).toEqual({
      foreign: refused(`permission denied to make job ${child} a retry`),
      running: { error: { code: '55000', message: expect.stringContaining('only failed or cancelled jobs are retried') } },
      copied: { rows: [{ copied: 2 }] },
      twice: { error: { code: '55000', message: `fenta_reuse_job_checkpoints: job ${child} is not a new job` } },
      rows: {
        rows: [
          {
            node_id: 'a',
            node_type: 'Input.Stock',
            status: 'completed',
            attempt: 0,
            output: { clips: 1 },
            cost_usd: '0.0000',
            usage: [],
            reused_from_job_id: parent,
          },
          {
            node_id: 'b',
            node_type: 'Script.Generate',
            status: 'completed',
            attempt: 0,
            output: { title: 't' },
            cost_usd: '0.0000',
            usage: [],
            reused_from_job_id: parent,
          },
        ],
      },
      parent: { rows: [{ parent_job_id: parent }] },
    });
    // Another editor's new job is not the current user's to fill.
    const others = await jobOf(two.orgA, two.users.admin);
    expect(await database.withUser(two.users.editor, (scoped) => reuse(scoped, others, parent, ['a']))).toEqual(
      refused(`permission denied to make job ${others} a retry`),
    );
  });

  it('cancels at once only a queued job that was asked to stop, for editors and above', async () => {
    const asked = await jobOf(two.orgA, two.users.admin);
    const notAsked = await jobOf(two.orgA, two.users.admin);
    const taken = await jobOf(two.orgA, two.users.admin, 'processing');
    await q(`UPDATE jobs SET cancel_requested_at = now() WHERE id = ANY($1)`, [[asked, taken]]);
    const cancel = (scoped: Query, job: string) => attempt(scoped, `SELECT fenta_cancel_unclaimed_job($1) AS cancelled`, [job]);
    expect(await database.withUser(two.users.viewer, (scoped) => cancel(scoped, asked))).toEqual(refused(`permission denied to cancel job ${asked}`));
    expect(await database.withUser(two.users.ownerB, (scoped) => cancel(scoped, asked))).toEqual(refused(`permission denied to cancel job ${asked}`));
    const outcomes = await database.withUser(two.users.editor, async (scoped) => ({
      asked: await cancel(scoped, asked),
      notAsked: await cancel(scoped, notAsked),
      taken: await cancel(scoped, taken),
    }));
    expect(outcomes).toEqual({ asked: { rows: [{ cancelled: true }] }, notAsked: { rows: [{ cancelled: false }] }, taken: { rows: [{ cancelled: false }] } });
  });

  it('stores a response for a key once per org, for members of that org only', async () => {
    const store = (scoped: Query, orgId: string, key: string) =>
      attempt(scoped, `SELECT fenta_store_idempotent_response($1, $2, repeat('b', 64), 202, '{"job": 1}', NULL) AS stored`, [orgId, key]);
    const outcomes = await database.withUser(two.users.viewer, async (scoped) => ({
      first: await store(scoped, two.orgA, 'req-1'),
      second: await store(scoped, two.orgA, 'req-1'),
      otherOrg: await store(scoped, two.orgB, 'req-1'),
      badKey: await store(scoped, two.orgA, 'caf\u00e9'),
    }));
    expect(outcomes).toEqual({
      first: { rows: [{ stored: true }] },
      second: { rows: [{ stored: false }] },
      otherOrg: refused(`permission denied to store a response for org ${two.orgB}`),
      badKey: { error: { code: '23514', message: expect.stringContaining('idempotency_keys_key_check') } },
    });
  });
});
