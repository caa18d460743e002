import { demoWorkflow, seedBuiltInTemplates } from '@fenta/db';
import { startApiTestbed, type ApiTestbed, type TestCaller } from './api-fixture';

// Idempotency-Key on job creation, with Stripe's semantics: the same
// request with the same key gets the same job and the same response, however
// many arrive at once; another request with the key is refused.

type Json = Record<string, any>;

const graph = demoWorkflow.graph as unknown as Json;

describe('Idempotency-Key on POST /v1/jobs', () => {
  let bed: ApiTestbed;
  let owner: TestCaller;
  let other: TestCaller;

  beforeAll(async () => {
    // A thousand requests of one key in a minute are past the default rate limit, which is not what is tested here.
    bed = await startApiTestbed({ rateLimit: { perMinute: 100_000 } });
    await seedBuiltInTemplates(bed.database.db);
    owner = await bed.newOrg('alpha');
    other = await bed.newOrg('beta');
  });
  afterAll(() => bed.close());

  const q = <T = Json>(text: string, params?: unknown[]) => bed.database.query<T>(text, params);
  const create = (caller: TestCaller, key: string | undefined, payload: unknown = { graph }, url = '/v1/jobs') =>
    bed.app.inject({
      method: 'POST',
      url,
      headers: { ...caller.headers, ...(key === undefined ? {} : { 'idempotency-key': key }) },
      ...(payload === undefined ? {} : { payload: payload as Json }),
    });
  const errorOf = (response: { json(): unknown }) => (response.json() as { error: { code: string; message: string; details?: any } }).error;
  const jobsWithKey = (orgId: string, key: string) =>
    q<{ id: string }>(`SELECT id FROM jobs WHERE org_id = $1 AND idempotency_key = $2`, [orgId, key]).then((rows) => rows.map((row) => row.id));

  it('answers 1,000 concurrent requests with one key with one job, one queue entry, one audit entry and 1,000 identical responses', async () => {
    const key = 'order-7f3a-concurrent';
    const responses = await Promise.all(Array.from({ length: 1000 }, () => create(owner, key, { graph, variables: { topic: 'one of a thousand' } })));

    expect(new Set(responses.map((response) => response.statusCode))).toEqual(new Set([202]));
    expect(new Set(responses.map((response) => response.body)).size).toBe(1);
    const { job } = responses[0]!.json() as { job: Json };
    expect(job).toMatchObject({ status: 'queued', idempotency_key: key });
    // One request did the work; every other one was answered from what it kept.
    expect(responses.filter((response) => response.headers['idempotent-replayed'] === undefined)).toHaveLength(1);

    expect(await jobsWithKey(owner.orgId, key)).toEqual([job.id]);
    expect(await q(`SELECT count(*)::int AS n FROM jobs WHERE org_id = $1`, [owner.orgId])).toEqual([{ n: 1 }]);
    const queued = await bed.queue.getJobs(['waiting', 'active', 'delayed', 'prioritized']);
    expect(queued.map((entry) => entry.id)).toEqual([job.id]);
    expect(await q(`SELECT count(*)::int AS n FROM audit_logs WHERE org_id = $1 AND resource_type = 'job'`, [owner.orgId])).toEqual([{ n: 1 }]);
    const kept = await q(
      `SELECT key, response_status, job_id, response_body, extract(epoch FROM expires_at - created_at)::int AS kept_seconds FROM idempotency_keys WHERE org_id = $1`,
      [owner.orgId],
    );
    expect(kept).toEqual([{ key, response_status: 202, job_id: job.id, response_body: responses[0]!.json(), kept_seconds: 24 * 3600 }]);
  }, 120_000);

  it('refuses the key for another body, path or method (422), and changes nothing', async () => {
    const key = 'order-7f3a-reused';
    const first = await create(owner, key);
    expect(first.statusCode).toBe(202);
    const jobId = (first.json() as { job: Json }).job.id;
    const before = await q(`SELECT count(*)::int AS jobs, (SELECT count(*)::int FROM audit_logs) AS audits FROM jobs`);

    const otherBody = await create(owner, key, { graph, variables: { topic: 'something else' } });
    expect(otherBody.statusCode).toBe(422);
    expect(errorOf(otherBody)).toEqual({
      code: 'IDEMPOTENCY_KEY_REUSED',
      message: 'This Idempotency-Key was already used for another request (another method, path or body); a new request needs a new key',
      details: { job_id: jobId },
      request_id: otherBody.headers['x-request-id'],
    });
    await bed.database.query(`UPDATE jobs SET status = 'failed' WHERE id = $1`, [jobId]);
    const otherPath = await create(owner, key, undefined, `/v1/jobs/${jobId}/retry`);
    expect(otherPath.statusCode).toBe(422);
    expect(errorOf(otherPath).code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await q(`SELECT count(*)::int AS jobs, (SELECT count(*)::int FROM audit_logs) AS audits FROM jobs`)).toEqual(before);

    // The same body with its keys in another order is the same request.
    const reordered = await create(owner, key, JSON.parse(JSON.stringify({ graph: { edges: graph.edges, nodes: graph.nodes } })));
    expect(reordered.statusCode).toBe(202);
    expect(reordered.headers['idempotent-replayed']).toBe('true');
    expect(reordered.body).toBe(first.body);
  });

  it('keeps keys per org: the same key in two orgs makes two jobs', async () => {
    const key = 'shared-key';
    const mine = await create(owner, key);
    const theirs = await create(other, key);
    expect([mine.statusCode, theirs.statusCode]).toEqual([202, 202]);
    expect((mine.json() as { job: Json }).job.id).not.toBe((theirs.json() as { job: Json }).job.id);
    expect(await jobsWithKey(other.orgId, key)).toEqual([(theirs.json() as { job: Json }).job.id]);
  });

  it('keeps nothing for a refused request: the key still makes its job afterwards', async () => {
    const key = 'retry-after-fixing';
    const refused = await create(owner, key, { graph: { nodes: [] } });
    expect(refused.statusCode).toBe(400);
    expect(await q(`SELECT count(*)::int AS n FROM idempotency_keys WHERE key = $1`, [key])).toEqual([{ n: 0 }]);
    const accepted = await create(owner, key);
    expect(accepted.statusCode).toBe(202);
    expect(accepted.headers['idempotent-replayed']).toBeUndefined();
  });

  it('gives a retry with a key one new job, however often it is sent', async () => {
    const parent = (await create(owner, undefined).then((response) => response.json())) as { job: Json };
    await bed.database.query(`UPDATE jobs SET status = 'cancelled' WHERE id = $1`, [parent.job.id]);
    const url = `/v1/jobs/${parent.job.id}/retry`;
    const responses = await Promise.all(Array.from({ length: 20 }, () => create(owner, 'retry-once', undefined, url)));
    expect(new Set(responses.map((response) => `${response.statusCode} ${response.body}`)).size).toBe(1);
    expect(responses[0]!.statusCode).toBe(202);
    expect(await q(`SELECT count(*)::int AS n FROM jobs WHERE parent_job_id = $1`, [parent.job.id])).toEqual([{ n: 1 }]);
  });

  it('refuses a key whose kept response is gone rather than making a second job with it', async () => {
    const key = 'kept-then-pruned';
    const first = await create(owner, key);
    const jobId = (first.json() as { job: Json }).job.id;
    // What upkeep does once expires_at has passed.
    await bed.database.query(`DELETE FROM idempotency_keys WHERE key = $1`, [key]);
    const again = await create(owner, key);
    expect(again.statusCode).toBe(422);
    expect(errorOf(again)).toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
      message: `This Idempotency-Key was already used for job ${jobId}, whose response is no longer kept; a new request needs a new key`,
      details: { job_id: jobId },
    });
    expect(await jobsWithKey(owner.orgId, key)).toEqual([jobId]);
  });

  it('takes 1 to 255 printable ASCII characters, and names the header otherwise', async () => {
    for (const key of ['', 'k'.repeat(256), 'caf\u00e9']) {
      const response = await create(owner, key);
      expect({ key, status: response.statusCode, code: errorOf(response).code }).toEqual({ key, status: 400, code: 'REQUEST_INVALID' });
      expect(errorOf(response).details.problems.map((problem: { path: string }) => problem.path)).toEqual(['headers.idempotency-key']);
    }
    const longest = await create(owner, `${'k'.repeat(250)} ~!@#`);
    expect(longest.statusCode).toBe(202);
  });
});
