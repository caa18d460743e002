import {
  cancelQueuedJob,
  claimJobRun,
  completeJobNode,
  createJobEventListener,
  markJobCompleted,
  startJobNode,
  updateJobProgress,
  type JobRunKey,
} from '@fenta/db';
import { buildApp } from '../src/build-app';
import { silentLogger, startApiTestbed, testListenerName, type ApiTestbed, type TestCaller } from './api-fixture';
import { dataOf, openEventStream, type SseConnection, type SseEvent, storedEvents } from './support/sse-client';

/**
 * The event stream of a job, followed over a real loopback connection while
 * the job's state is changed the way the worker changes it (the lifecycle
 * queries, whose triggers write the events). The stream of a real render is
 * in job-events-render.test.ts.
 */
describe('GET /v1/jobs/:id/events', () => {
  let bed: ApiTestbed;
  let alpha: TestCaller;
  let beta: TestCaller;
  let base: string;
  const streams: SseConnection[] = [];

  beforeAll(async () => {
    bed = await startApiTestbed({ eventHeartbeatMs: 200 });
    alpha = await bed.newOrg('alpha');
    beta = await bed.newOrg('beta');
    // Some jobs of these tests stay processing; the org may run all of them at once (00018).
    await bed.database.query(`UPDATE orgs SET settings = '{"max_concurrent_jobs": 1000}' WHERE id = $1`, [alpha.orgId]);
    base = await bed.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterEach(() => {
    for (const stream of streams.splice(0)) stream.close();
  });
  afterAll(() => bed.close());

  const newJob = async (org: TestCaller) =>
    (await bed.database.query<{ id: string }>(`INSERT INTO jobs (org_id, created_by, config) VALUES ($1, $2, '{}') RETURNING id`, [org.orgId, org.userId]))[0]!
      .id;
  const claim = async (jobId: string, org: TestCaller): Promise<JobRunKey> => {
    expect((await claimJobRun(bed.database.db, { jobId, token: `run-${jobId}`, leaseMs: 60_000 })).claimed).toBe(true);
    return { jobId, orgId: org.orgId, token: `run-${jobId}` };
  };
  const follow = async (jobId: string, headers: Record<string, string> = {}, query = '') => {
    const stream = await openEventStream(`${base}/v1/jobs/${jobId}/events${query}`, { ...alpha.headers, ...headers });
    streams.push(stream);
    return stream;
  };
  const count = (n: number) => (events: SseEvent[]) => events.length >= n;
  const stored = (jobId: string) => storedEvents(bed.database, jobId);
  const received = (stream: SseConnection) => stream.events.map((event) => ({ id: event.id, event: event.event, data: dataOf(event) }));
  const result = { render_id: 'render_x', video_url: 'http://127.0.0.1:8080/v1/renders/render_x/video', duration: 5 };

  /** A job taken through a run, one change at a time, each waited for on `stream` when given. */
  async function runToCompletion(jobId: string, stream?: SseConnection): Promise<void> {
    const step = async (change: () => Promise<unknown>, events: number) => {
      await change();
      await stream?.until(count(events), `event ${events}`);
    };
    let run: JobRunKey | undefined;
    await step(async () => (run = await claim(jobId, alpha)), 1);
    await step(() => startJobNode(bed.database.db, run!, { nodeId: 'n1', nodeType: 'Input.Stock' }), 2);
    await step(() => updateJobProgress(bed.database.db, run!, 40), 3);
    await step(() => completeJobNode(bed.database.db, { jobId, orgId: alpha.orgId, nodeId: 'n1', output: {}, costUsd: 0, usage: [], durationMs: 12 }), 4);
    // Completing sets progress 100 and the status: two events.
    await step(() => markJobCompleted(bed.database.db, run!, result), 6);
  }

  it('follows a job live: each event arrives as it commits, in order, numbered from 1, and the stream ends after job.completed', async () => {
    const jobId = await newJob(alpha);
    const stream = await follow(jobId);
    expect(stream.status).toBe(200);
    expect(stream.headers).toMatchObject({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      'x-request-id': expect.any(String),
    });
    await runToCompletion(jobId, stream);
    await stream.ended;

    expect(received(stream)).toEqual(await stored(jobId));
    expect(received(stream).map(({ id, event, data }) => [id, event, data.node_id ?? data.progress ?? data.status])).toEqual([
      ['1', 'job.started', 'processing'],
      ['2', 'node.started', 'n1'],
      ['3', 'progress', 40],
      ['4', 'node.finished', 'n1'],
      ['5', 'progress', 100],
      ['6', 'job.completed', 'completed'],
    ]);
    expect(dataOf(stream.events[5]!)).toMatchObject({ job_id: jobId, seq: 6, type: 'job.completed', status: 'completed', result });
    // The client is told how long to wait before reconnecting.
    expect(stream.text().startsWith('retry: 2000\n\n')).toBe(true);
  });

  it('resumes after Last-Event-ID with exactly the events after it, and sends what a finished job did, then ends', async () => {
    const jobId = await newJob(alpha);
    await runToCompletion(jobId);
    const all = await stored(jobId);
    expect(all).toHaveLength(6);

    const whole = await follow(jobId);
    await whole.ended;
    expect(received(whole)).toEqual(all);

    const resumed = await follow(jobId, { 'last-event-id': '2' });
    await resumed.ended;
    expect(received(resumed)).toEqual(all.slice(2));

    // For clients that cannot set headers; the header wins when both are given.
    const byQuery = await follow(jobId, {}, '?last_event_id=4');
    await byQuery.ended;
    expect(received(byQuery)).toEqual(all.slice(4));
    const both = await follow(jobId, { 'last-event-id': '5' }, '?last_event_id=1');
    await both.ended;
    expect(received(both)).toEqual(all.slice(5));

    for (const after of ['6', '999']) {
      const caughtUp = await follow(jobId, { 'last-event-id': after });
      await caughtUp.ended;
      expect(caughtUp.events).toEqual([]);
    }
  });

  it('ends the stream of a job cancelled before it ran with its job.cancelled', async () => {
    const jobId = await newJob(alpha);
    const stream = await follow(jobId);
    expect(await cancelQueuedJob(bed.database.db, alpha.orgId, jobId)).toBe(true);
    await stream.ended;
    expect(received(stream)).toEqual(await stored(jobId));
    expect(received(stream).map((event) => [event.event, event.data.error])).toEqual([
      ['job.cancelled', { code: 'JOB_CANCELLED', message: `Job ${jobId} was cancelled` }],
    ]);
  });

  it('sends heartbeat comments while nothing happens, so proxies keep the connection', async () => {
    const stream = await follow(await newJob(alpha));
    expect(await stream.nextComment()).toBe('heartbeat');
    expect(await stream.nextComment()).toBe('heartbeat');
    expect(stream.events).toEqual([]);
  });

  it('serves every follower from one listening connection, and keeps following when that connection drops', async () => {
    const jobId = await newJob(alpha);
    const followers = [await follow(jobId), await follow(jobId), await follow(jobId)];
    const listening = () =>
      bed.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1`, [testListenerName]);
    expect(await listening()).toEqual([{ n: 1 }]);

    await bed.database.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [testListenerName]);
    // Whether its notification arrives on the new connection or is lost with the old one, the re-read after reconnecting sends the event.
    await claim(jobId, alpha);
    for (const follower of followers) await follower.until(count(1), 'job.started');
    expect(followers.map((follower) => follower.events.map((event) => event.event))).toEqual([['job.started'], ['job.started'], ['job.started']]);
    expect(await listening()).toEqual([{ n: 1 }]);
  });

  it("answers another org's job and a missing one with a JSON 404 JOB_NOT_FOUND before any stream starts", async () => {
    const theirs = await newJob(beta);
    for (const jobId of [theirs, 'job_0190a2b4-0000-7000-8000-000000000000']) {
      const response = await fetch(`${base}/v1/jobs/${jobId}/events`, { headers: alpha.headers });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(await response.json()).toEqual({
        error: { code: 'JOB_NOT_FOUND', message: `Job ${jobId} not found`, request_id: response.headers.get('x-request-id') },
      });
    }
  });

  it('refuses a malformed Last-Event-ID or job id naming the field, and a key without jobs:read', async () => {
    const jobId = await newJob(alpha);
    const bad = await bed.app.inject({ method: 'GET', url: `/v1/jobs/${jobId}/events`, headers: { ...alpha.headers, 'last-event-id': '-1' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({
      code: 'REQUEST_INVALID',
      details: { problems: [{ path: 'headers.last-event-id', message: 'must match pattern "^[0-9]{1,9}$"' }] },
    });
    const badId = await bed.app.inject({ method: 'GET', url: '/v1/jobs/wf_1/events', headers: alpha.headers });
    expect(badId.json().error).toMatchObject({ code: 'REQUEST_INVALID', details: { problems: [{ path: 'params.id' }] } });
    const narrow = await bed.member(alpha, 'viewer', ['workflows:read']);
    const refused = await bed.app.inject({ method: 'GET', url: `/v1/jobs/${jobId}/events`, headers: narrow.headers });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({ code: 'SCOPE_MISSING', details: { missing_scope: 'jobs:read' } });
  });

  it('ends open streams when the app closes, so a shutdown does not wait on them', async () => {
    const listener = createJobEventListener({ url: bed.database.url, logger: silentLogger });
    const app = await buildApp({ db: bed.database.db, redis: bed.redis.redis, logger: silentLogger, queues: [], jobEvents: listener });
    try {
      const address = await app.listen({ host: '127.0.0.1', port: 0 });
      const stream = await openEventStream(`${address}/v1/jobs/${await newJob(alpha)}/events`, alpha.headers);
      streams.push(stream);
      expect(stream.status).toBe(200);
      await app.close();
      await stream.ended;
    } finally {
      await app.close();
      await listener.close();
    }
  });
});
