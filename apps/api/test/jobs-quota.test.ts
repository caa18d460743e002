import { demoWorkflow, seedBuiltInTemplates } from '@fenta/db';
import { startApiTestbed, type ApiTestbed, type TestCaller } from './api-fixture';

// Quota is estimated and reserved when a job is created, in one statement
// that takes the org's reservations one at a time: concurrent requests
// against PostgreSQL never both take the last room. The sample graph's
// estimate is 2,000 tokens (a script through a model) and 30 render seconds
// (its prompt asks for 30 s). What completion, failure and cancellation give
// back is in jobs-run.test.ts.

type Json = Record<string, any>;

const graph = demoWorkflow.graph as unknown as Json;
const offlineGraph = {
  ...graph,
  nodes: graph.nodes.map((node: Json) => (node.type === 'Script.Generate' ? { ...node, params: { ...node.params, provider: 'offline' } } : node)),
};

describe('quota at job creation', () => {
  let bed: ApiTestbed;

  beforeAll(async () => {
    bed = await startApiTestbed();
    await seedBuiltInTemplates(bed.database.db);
  });
  afterAll(() => bed.close());

  const q = <T = Json>(text: string, params?: unknown[]) => bed.database.query<T>(text, params);
  const create = (caller: TestCaller, payload: unknown = { graph }) =>
    bed.app.inject({ method: 'POST', url: '/v1/jobs', headers: caller.headers, payload: payload as Json });
  const errorOf = (response: { json(): unknown }) => (response.json() as { error: { code: string; message: string; details?: any } }).error;
  const orgWithQuota = async (name: string, limits: Json): Promise<TestCaller> => {
    const org = await bed.newOrg(name);
    const columns = Object.keys(limits);
    await q(`INSERT INTO quota_limits (org_id, ${columns.join(', ')}) VALUES ($1, ${columns.map((_, i) => `$${i + 2}`).join(', ')})`, [
      org.orgId,
      ...Object.values(limits),
    ]);
    return org;
  };
  const reserved = async (orgId: string) => (await q(`SELECT tokens, kai_credits, render_seconds FROM fenta_quota_reserved($1)`, [orgId]))[0];

  it('admits exactly as many of 24 concurrent jobs as there is room for, and refuses the rest with 402 naming render_seconds', async () => {
    const org = await orgWithQuota('race', { render_seconds_limit: 100 });
    const responses = await Promise.all(Array.from({ length: 24 }, () => create(org)));

    const tally: Record<number, number> = {};
    for (const response of responses) tally[response.statusCode] = (tally[response.statusCode] ?? 0) + 1;
    expect(tally).toEqual({ 202: 3, 402: 21 });
    const accepted = responses.filter((response) => response.statusCode === 202);
    const refused = responses.filter((response) => response.statusCode === 402);
    expect(errorOf(refused[0]!)).toEqual({
      code: 'QUOTA_EXCEEDED',
      message: `Org ${org.orgId} has no render_seconds left in its quota for this period`,
      details: { resources: ['render_seconds'], requested: { tokens: 2000, kai_credits: 0, render_seconds: 30 } },
      request_id: refused[0]!.headers['x-request-id'],
    });

    const ids = accepted.map((response) => (response.json() as { job: Json }).job.id).sort();
    expect((await q<{ id: string }>(`SELECT id FROM jobs WHERE org_id = $1 ORDER BY id`, [org.orgId])).map((row) => row.id)).toEqual(ids);
    const queued = await bed.queue.getJobs(['waiting']);
    expect(queued.map((entry) => entry.id).filter((id) => ids.includes(id!))).toHaveLength(3);
    expect(await reserved(org.orgId)).toEqual({ tokens: 6000, kai_credits: 0, render_seconds: '90.00' });
    // A refused request wrote nothing, not even its audit entry.
    expect(await q(`SELECT count(*)::int AS n FROM audit_logs WHERE org_id = $1`, [org.orgId])).toEqual([{ n: 3 }]);
  }, 60_000);

  it('counts what the period has used with what unfinished jobs hold, and names every exhausted resource', async () => {
    const org = await orgWithQuota('used', { tokens_limit: 5000, render_seconds_limit: 100, render_seconds_used: 50 });
    expect((await create(org)).statusCode).toBe(202);
    // 50 used + 30 held + 30 more > 100; 2,000 held + 2,000 more ≤ 5,000.
    const second = await create(org);
    expect(second.statusCode).toBe(402);
    expect(errorOf(second).details.resources).toEqual(['render_seconds']);
    await q(`UPDATE quota_limits SET tokens_used = 2000 WHERE org_id = $1`, [org.orgId]);
    const both = await create(org);
    expect(errorOf(both)).toMatchObject({
      message: `Org ${org.orgId} has no tokens, render_seconds left in its quota for this period`,
      details: { resources: ['tokens', 'render_seconds'] },
    });
    // A script written offline takes no tokens, but the render still needs room.
    expect(errorOf(await create(org, { graph: offlineGraph })).details).toEqual({
      resources: ['render_seconds'],
      requested: { tokens: 0, kai_credits: 0, render_seconds: 30 },
    });
  });

  it('starts counting afresh when the period is over', async () => {
    const org = await orgWithQuota('renewed', { render_seconds_limit: 40, render_seconds_used: 40, reset_at: new Date(Date.now() - 1000) });
    expect((await create(org)).statusCode).toBe(202);
    expect((await create(org)).statusCode).toBe(402);
  });

  it('lets an org that allows overage go past its limits until its cap is spent', async () => {
    const org = await orgWithQuota('overage', { render_seconds_limit: 10, allow_overage: true, overage_cap_usd: 5 });
    expect((await create(org)).statusCode).toBe(202);
    expect((await create(org)).statusCode).toBe(202);
    await q(`UPDATE quota_limits SET overage_used_usd = 5 WHERE org_id = $1`, [org.orgId]);
    expect((await create(org)).statusCode).toBe(402);
  });

  it('does not limit an org without quota limits', async () => {
    const org = await bed.newOrg('unlimited');
    const responses = await Promise.all(Array.from({ length: 5 }, () => create(org)));
    expect(responses.map((response) => response.statusCode)).toEqual([202, 202, 202, 202, 202]);
  });
});
