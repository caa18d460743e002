import { createTestDatabase, type TestDatabase } from '@fenta/testing';
import { claimRun } from '../src/job-run';

/** Fairness: an org runs at most as many jobs at once as its plan allows; the rest wait, other orgs do not. */
describe('jobs running at once per org', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    await database.query(`INSERT INTO users (id, email, password_hash, name) VALUES ('user_x', 'x@example.com', '!', 'X')`);
    await database.query(
      `INSERT INTO orgs (id, name, slug, owner_id, plan) VALUES ('org_free', 'F', 'f', 'user_x', 'free'), ('org_pro', 'P', 'p', 'user_x', 'pro'), ('org_other', 'O', 'o', 'user_x', 'free')`,
    );
  });
  afterAll(() => database.drop());

  const queuedJobs = async (orgId: string, count: number) =>
    (await database.query<{ id: string }>(`INSERT INTO jobs (org_id, config) SELECT $1, '{}' FROM generate_series(1, $2) RETURNING id`, [orgId, count])).map(
      (row) => row.id,
    );

  it('lets exactly as many claims win as the plan allows when many workers claim at once, and leaves other orgs alone', async () => {
    const free = await queuedJobs('org_free', 6);
    const pro = await queuedJobs('org_pro', 10);
    const other = await queuedJobs('org_other', 1);
    const claims = await Promise.all([...free, ...pro, ...other].map((id) => claimRun(database.db, id, 60_000)));
    const won = (ids: string[]) => claims.filter((claim, index) => claim.claimed && ids.includes([...free, ...pro, ...other][index]!)).length;
    expect({ free: won(free), pro: won(pro), other: won(other) }).toEqual({ free: 1, pro: 4, other: 1 });
    const busy = claims.filter((claim) => !claim.claimed);
    expect(busy).toHaveLength(5 + 6);
    expect(busy.every((claim) => !claim.claimed && claim.reason === 'org-busy')).toBe(true);
    expect(busy[0]).toEqual({ claimed: false, reason: 'org-busy', running: 1, limit: 1 });
    // The jobs that were refused are still queued, untouched.
    const [counts] = await database.query<{ queued: number; processing: number }>(
      `SELECT count(*) FILTER (WHERE status = 'queued')::int AS queued, count(*) FILTER (WHERE status = 'processing')::int AS processing FROM jobs`,
    );
    expect(counts).toEqual({ queued: 11, processing: 6 });
  });

  it('frees a place when a run ends or its lease runs out, and follows the org settings over the plan', async () => {
    const [waiting] = await queuedJobs('org_free', 1);
    expect(await claimRun(database.db, waiting!, 60_000)).toMatchObject({ claimed: false, reason: 'org-busy' });
    // The running job's lease ran out (its worker died): it no longer counts.
    await database.query(`UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE org_id = 'org_free' AND status = 'processing'`);
    expect(await claimRun(database.db, waiting!, 60_000)).toMatchObject({ claimed: true });

    await database.query(`UPDATE orgs SET settings = '{"max_concurrent_jobs": 3}' WHERE id = 'org_free'`);
    const more = await queuedJobs('org_free', 3);
    const claims = await Promise.all(more.map((id) => claimRun(database.db, id, 60_000)));
    expect(claims.filter((claim) => claim.claimed)).toHaveLength(2);
  });
});
