import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FentaError } from '@fenta/core';
import { requestJobCancel } from '@fenta/db';
import { jobCostAndUsage } from '@fenta/testing';
import { runJob } from '../../src/executor/run-job';
import { createExecutorFixture, testGraph, type ExecutorFixture } from './executor-fixture';

describe('runJob', () => {
  let fx: ExecutorFixture;
  beforeEach(async () => {
    fx = await createExecutorFixture();
  });
  afterEach(() => fx.cleanup());

  const jobRow = async (id: string) =>
    (
      await fx.database.query<Record<string, any>>(
        `SELECT status, progress, result, error, cost_tokens, cost_render_seconds::text, cost_total_usd::text, started_at, completed_at FROM jobs WHERE id = $1`,
        [id],
      )
    )[0]!;
  const jobEvents = (id: string) =>
    fx.database.query<{ seq: number; type: string; data: Record<string, unknown> }>(`SELECT seq, type, data FROM job_events WHERE job_id = $1 ORDER BY seq`, [
      id,
    ]);
  const usageRows = (id: string) =>
    fx.database.query(
      `SELECT node_id, resource_type, llm_tokens_prompt, llm_tokens_output, render_seconds::text, storage_bytes, cost_usd::text, idempotency_key FROM usage_records WHERE job_id = $1 ORDER BY node_id, resource_type`,
      [id],
    );

  it('records paid speech as tts_characters and transcription_minutes, priced into the job total', async () => {
    const jobId = await fx.insertJob(testGraph('Test.Speech'));
    expect((await runJob(fx.deps, { jobId, finalAttempt: true })).status).toBe('completed');
    const speech = await fx.database.query(
      `SELECT resource_type, tts_characters, tts_model, transcription_minutes::text, transcription_model, cost_usd::text
       FROM usage_records WHERE job_id = $1 AND node_id = 'c' ORDER BY resource_type`,
      [jobId],
    );
    // tts-1-hd: 2,000 characters × $0.03/1,000 = 0.06; whisper-1: 1.5 min × $0.006 = 0.009.
    expect(speech).toEqual([
      {
        resource_type: 'transcription_minutes',
        tts_characters: null,
        tts_model: null,
        transcription_minutes: '1.5000',
        transcription_model: 'whisper-1',
        cost_usd: '0.0090',
      },
      {
        resource_type: 'tts_characters',
        tts_characters: 2000,
        tts_model: 'tts-1-hd',
        transcription_minutes: null,
        transcription_model: null,
        cost_usd: '0.0600',
      },
    ]);
    // 0.0005 (llm) + 0.06 + 0.009 + 0.0063 (render) + 0 (storage): the sum of its usage records.
    expect((await jobRow(jobId)).cost_total_usd).toBe('0.0758');
    expect(await jobCostAndUsage(fx.database.query, jobId)).toEqual({ cost_total_usd: '0.0758', usage_sum_usd: '0.0758' });
  });

  const speechUsage = (jobId: string) =>
    fx.database.query(`SELECT resource_type, cost_usd::text, idempotency_key FROM usage_records WHERE job_id = $1 AND node_id = 'c' ORDER BY idempotency_key`, [
      jobId,
    ]);

  /** The usage rows of Test.Speech's first try when it failed after its paid calls answered: keyed by run and try. */
  const firstTryUsage = (jobId: string) => [
    {
      resource_type: 'transcription_minutes',
      cost_usd: '0.0090',
      idempotency_key: expect.stringMatching(new RegExp(`^${jobId}:c:run-[^:]+:try-1:transcription_minutes:1$`)),
    },
    {
      resource_type: 'tts_characters',
      cost_usd: '0.0600',
      idempotency_key: expect.stringMatching(new RegExp(`^${jobId}:c:run-[^:]+:try-1:tts_characters:0$`)),
    },
  ];

  it('records what a failed try was billed for: a retried node counts both tries, each once', async () => {
    fx.script.failuresAfterUsage = { 'Test.Speech': [new FentaError('PROVIDER_ERROR', { provider: 'openai', status: 503, reason: 'overloaded' })] };
    const jobId = await fx.insertJob(testGraph('Test.Speech'));
    expect((await runJob(fx.deps, { jobId, finalAttempt: true })).status).toBe('completed');
    expect(fx.script.calls['Test.Speech']).toBe(2);
    expect(await speechUsage(jobId)).toEqual([
      ...firstTryUsage(jobId),
      { resource_type: 'transcription_minutes', cost_usd: '0.0090', idempotency_key: `${jobId}:c:transcription_minutes:1` },
      { resource_type: 'tts_characters', cost_usd: '0.0600', idempotency_key: `${jobId}:c:tts_characters:0` },
    ]);
    // 0.0758 for one of each node, plus the failed try's 0.069: the sum of the usage records.
    expect(await jobCostAndUsage(fx.database.query, jobId)).toEqual({ cost_total_usd: '0.1448', usage_sum_usd: '0.1448' });
    const [node] = await fx.database.query(`SELECT cost_usd::text FROM job_nodes WHERE job_id = $1 AND node_id = 'c'`, [jobId]);
    expect(node).toEqual({ cost_usd: '0.1380' });
  });

  it('records what a node that failed for good was billed for, and the job total still equals its usage', async () => {
    fx.script.failuresAfterUsage = {
      'Test.Speech': [new FentaError('NODE_INPUT_INVALID', { node: 'c', type: 'Test.Speech', reason: 'the voice cannot speak it' })],
    };
    const jobId = await fx.insertJob(testGraph('Test.Speech'));
    expect(await runJob(fx.deps, { jobId, finalAttempt: true })).toMatchObject({ status: 'failed', error: { code: 'NODE_INPUT_INVALID' } });
    expect(await speechUsage(jobId)).toEqual(firstTryUsage(jobId));
    // 0.0005 (the script node's llm) + 0.069 (the failed speech): the render never ran.
    expect(await jobCostAndUsage(fx.database.query, jobId)).toEqual({ cost_total_usd: '0.0695', usage_sum_usd: '0.0695' });
  });

  it('runs every node in order, checkpoints them, records usage and costs, and completes the job', async () => {
    const jobId = await fx.insertJob(testGraph('Test.Block', { block: false }));
    const progress: number[] = [];
    // One node at a time, so the events and logs below have one order (parallel-nodes.test.ts runs branches side by side).
    const outcome = await runJob({ ...fx.deps, nodeConcurrency: 1 }, { jobId, finalAttempt: true, onProgress: (p) => progress.push(p) });

    expect(outcome.status).toBe('completed');
    const job = await jobRow(jobId);
    expect(job).toMatchObject({ status: 'completed', progress: 100, error: null, cost_tokens: 1500, cost_render_seconds: '12.50' });
    const renderId = job.result.render_id as string;
    expect(renderId).toMatch(/^render_[0-9a-f-]{36}$/);
    // The API's download routes, never where the files are stored.
    expect(job.result).toEqual({
      render_id: renderId,
      video_url: `http://127.0.0.1:8080/v1/renders/${renderId}/video`,
      thumbnail_url: `http://127.0.0.1:8080/v1/renders/${renderId}/thumbnail`,
      srt_url: `http://127.0.0.1:8080/v1/renders/${renderId}/captions.srt`,
      vtt_url: `http://127.0.0.1:8080/v1/renders/${renderId}/captions.vtt`,
      duration: 30.04,
    });
    expect(outcome).toEqual({ status: 'completed', result: job.result });
    // A node sees the nodes that take its output, with their params as validated (defaults filled in).
    expect(fx.script.scriptConsumers).toEqual([{ nodeId: 'c', type: 'Test.Block', params: { block: false } }]);
    // And every node its output reaches through others: the render reads c, which reads b.
    expect(fx.script.scriptDownstream).toEqual([
      { nodeId: 'c', type: 'Test.Block', params: { block: false } },
      { nodeId: 'd', type: 'Test.Render', params: {} },
    ]);
    // The job's total is the sum of its usage records, each rounded to 4 decimals:
    // gpt-4o-mini 1000 × 0.15/M + 500 × 0.6/M = 0.00045 → 0.0005; render 12.5 s × 0.0005 = 0.00625 → 0.0063; storage → 0.
    expect(job.cost_total_usd).toBe('0.0068');
    expect(job.started_at).not.toBeNull();
    expect(job.completed_at).not.toBeNull();
    expect(progress.at(-1)).toBe(100);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));

    const nodes = await fx.database.query(`SELECT node_id, node_type, status, attempt FROM job_nodes WHERE job_id = $1 ORDER BY node_id`, [jobId]);
    expect(nodes).toEqual([
      { node_id: 'a', node_type: 'Test.Footage', status: 'completed', attempt: 1 },
      { node_id: 'b', node_type: 'Test.Script', status: 'completed', attempt: 1 },
      { node_id: 'c', node_type: 'Test.Block', status: 'completed', attempt: 1 },
      { node_id: 'd', node_type: 'Test.Render', status: 'completed', attempt: 1 },
    ]);
    expect(await usageRows(jobId)).toEqual([
      {
        node_id: 'b',
        resource_type: 'llm_tokens',
        llm_tokens_prompt: 1000,
        llm_tokens_output: 500,
        render_seconds: null,
        storage_bytes: null,
        cost_usd: '0.0005',
        idempotency_key: `${jobId}:b:llm_tokens:0`,
      },
      {
        node_id: 'd',
        resource_type: 'render_seconds',
        llm_tokens_prompt: null,
        llm_tokens_output: null,
        render_seconds: '12.50',
        storage_bytes: null,
        cost_usd: '0.0063',
        idempotency_key: `${jobId}:d:render_seconds:0`,
      },
      {
        node_id: 'd',
        resource_type: 'storage',
        llm_tokens_prompt: null,
        llm_tokens_output: null,
        render_seconds: null,
        storage_bytes: 300,
        cost_usd: '0.0000',
        idempotency_key: `${jobId}:d:storage:1`,
      },
    ]);
    const [render] = await fx.database.query(
      `SELECT id, resolution, duration_seconds::text, codec, bitrate_kbps, file_size_bytes, video_url, thumbnail_url, srt_url,
              video_storage_path, thumbnail_storage_path, srt_storage_path
       FROM renders WHERE job_id = $1`,
      [jobId],
    );
    expect(render).toEqual({
      id: renderId,
      resolution: '1080x1920',
      duration_seconds: '30.04',
      codec: 'h264',
      bitrate_kbps: 4500,
      file_size_bytes: 100,
      video_url: job.result.video_url,
      thumbnail_url: job.result.thumbnail_url,
      srt_url: job.result.srt_url,
      video_storage_path: `orgs/org_x/jobs/${jobId}/d/video.mp4`,
      thumbnail_storage_path: `orgs/org_x/jobs/${jobId}/d/thumbnail.jpg`,
      srt_storage_path: `orgs/org_x/jobs/${jobId}/d/captions.srt`,
    });

    // What a client following the job reads: numbered 1, 2, 3, … in order, progress only rising, ending with the result.
    const events = await jobEvents(jobId);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    const percents = events.filter((event) => event.type === 'progress').map((event) => event.data.progress as number);
    expect(percents).toEqual([...new Set(percents)].sort((x, y) => x - y));
    expect(events.filter((event) => event.type !== 'progress').map((event) => `${event.type} ${event.data.node_id ?? ''}`.trim())).toEqual([
      'job.started',
      'node.started a',
      'node.finished a',
      'node.started b',
      'node.finished b',
      'node.started c',
      'node.finished c',
      'node.started d',
      'node.finished d',
      'job.completed',
    ]);
    expect(events.find((event) => event.type === 'node.finished' && event.data.node_id === 'b')!.data).toEqual({
      node_id: 'b',
      node_type: 'Test.Script',
      attempt: 1,
      duration_ms: expect.any(Number),
      cost_usd: 0.0005,
    });
    expect(events.slice(-2).map((event) => [event.type, event.data])).toEqual([
      ['progress', { progress: 100 }],
      ['job.completed', { status: 'completed', result: job.result }],
    ]);

    const logs = await fx.database.query<{ stage: string; level: string; message: string }>(
      `SELECT stage, level, message FROM job_logs WHERE job_id = $1 ORDER BY id`,
      [jobId],
    );
    expect(logs.map((l) => `${l.stage}|${l.level}|${l.message}`)).toEqual([
      'ingest|info|a (Test.Footage) started',
      'ingest|info|a (Test.Footage) done',
      'script|info|b (Test.Script) started',
      'script|info|wrote a script',
      'script|info|b (Test.Script) done',
      'edit|info|c (Test.Block) started',
      'edit|info|c (Test.Block) done',
      'export|info|d (Test.Render) started',
      'export|info|d (Test.Render) done',
      'export|info|job completed',
    ]);
  });

  it('resumes after a crash at the first node without a checkpoint: the paid call is not repeated and usage is not counted twice', async () => {
    const jobId = await fx.insertJob(testGraph('Test.Block'));
    const started = new Promise<void>((resolve) => (fx.script.blocked = resolve));
    const shutdown = new AbortController();
    const first = runJob(fx.deps, { jobId, finalAttempt: false, signal: shutdown.signal });
    await started;
    shutdown.abort();
    expect(await first).toEqual({ status: 'handed-back' });
    expect((await jobRow(jobId)).status).toBe('queued');

    // What a crash (not a clean shutdown) leaves: the job and its node still marked as running.
    await fx.database.query(`UPDATE jobs SET status = 'processing' WHERE id = $1`, [jobId]);
    await fx.database.query(`UPDATE job_nodes SET status = 'running' WHERE job_id = $1 AND node_id = 'c'`, [jobId]);

    await fx.database.query(`UPDATE jobs SET config = jsonb_set(config, '{graph,nodes,2,params}', '{"block": false}') WHERE id = $1`, [jobId]);
    const second = await runJob(fx.deps, { jobId, finalAttempt: true });
    expect(second.status).toBe('completed');
    expect(fx.script.calls).toEqual({ 'Test.Footage': 1, 'Test.Script': 1, 'Test.Block': 2, 'Test.Render': 1 });
    expect((await usageRows(jobId)).filter((u: any) => u.resource_type === 'llm_tokens')).toHaveLength(1);
    expect((await jobRow(jobId)).cost_tokens).toBe(1500);
    const attempts = await fx.database.query(`SELECT node_id, attempt FROM job_nodes WHERE job_id = $1 ORDER BY node_id`, [jobId]);
    expect(attempts).toEqual([
      { node_id: 'a', attempt: 1 },
      { node_id: 'b', attempt: 1 },
      { node_id: 'c', attempt: 2 },
      { node_id: 'd', attempt: 1 },
    ]);
    const resumed = await fx.database.query(`SELECT message FROM job_logs WHERE job_id = $1 AND message LIKE '%resumed%' ORDER BY id`, [jobId]);
    expect(resumed).toEqual([{ message: 'a (Test.Footage) resumed from its checkpoint' }, { message: 'b (Test.Script) resumed from its checkpoint' }]);
  });

  it('retries a transient provider failure inside the node policy and says so in the job log', async () => {
    fx.script.failures['Test.Script'] = [new FentaError('PROVIDER_ERROR', { provider: 'openai', status: 503, reason: 'overloaded' })];
    const jobId = await fx.insertJob(testGraph('Test.Block', { block: false }));
    expect((await runJob(fx.deps, { jobId, finalAttempt: true })).status).toBe('completed');
    expect(fx.script.calls['Test.Script']).toBe(2);
    const warns = await fx.database.query<{ message: string }>(`SELECT message FROM job_logs WHERE job_id = $1 AND level = 'warn'`, [jobId]);
    expect(warns).toEqual([{ message: expect.stringMatching(/^attempt 1 of 3 failed, retrying in \d+ ms$/) }]);
  });

  it('fails at once on bad input, without retrying, and writes a render.failed delivery', async () => {
    await fx.database.query(`INSERT INTO webhooks (org_id, url, events, secret) VALUES ('org_x', 'https://hooks.example/x', ARRAY['render.failed'], 's')`);
    fx.script.failures['Test.Script'] = [new FentaError('NODE_INPUT_INVALID', { node: 'b', type: 'Test.Script', reason: 'the prompt is empty' })];
    const jobId = await fx.insertJob(testGraph('Test.Block', { block: false }));
    const outcome = await runJob(fx.deps, { jobId, finalAttempt: false });
    expect(outcome).toMatchObject({ status: 'failed', retryable: false });
    expect(fx.script.calls['Test.Script']).toBe(1);
    const job = await jobRow(jobId);
    expect(job.status).toBe('failed');
    expect(job.error).toEqual({ code: 'NODE_INPUT_INVALID', message: 'Node b (Test.Script) cannot run on its input: the prompt is empty', node: 'b' });
    const [node] = await fx.database.query(`SELECT status, error->>'code' AS code FROM job_nodes WHERE job_id = $1 AND node_id = 'b'`, [jobId]);
    expect(node).toEqual({ status: 'failed', code: 'NODE_INPUT_INVALID' });
    const deliveries = await fx.database.query(`SELECT event, status, payload->>'job_id' AS job FROM webhook_deliveries`);
    expect(deliveries).toEqual([{ event: 'render.failed', status: 'pending', job: jobId }]);
    const events = (await jobEvents(jobId)).filter((event) => event.type !== 'progress');
    expect(events.slice(-2).map((event) => [event.type, event.data])).toEqual([
      ['node.failed', { node_id: 'b', node_type: 'Test.Script', attempt: 1, duration_ms: expect.any(Number), error: job.error }],
      ['job.failed', { status: 'failed', error: job.error }],
    ]);
  });

  it('retries a node only inside its policy: when its tries run out the job fails for good, whatever the queue has left', async () => {
    const transient = () => new FentaError('PROVIDER_ERROR', { provider: 'openai', status: 500, reason: 'boom' });
    fx.script.failures['Test.Script'] = [transient(), transient(), transient(), transient()];
    const jobId = await fx.insertJob(testGraph('Test.Block', { block: false }));
    expect(await runJob(fx.deps, { jobId, finalAttempt: false })).toMatchObject({ status: 'failed', retryable: false, error: { code: 'PROVIDER_ERROR' } });
    expect((await jobRow(jobId)).status).toBe('failed');
    // The node's policy allows 3 tries; nothing above it tries again.
    expect(fx.script.calls['Test.Script']).toBe(3);
  });

  it('does not retry a failure whose code is not retryable, such as a provider missing in strict mode', async () => {
    fx.script.failures['Test.Script'] = [new FentaError('PROVIDER_UNAVAILABLE', { provider: 'openai', reason: 'no key, strict mode' })];
    const jobId = await fx.insertJob(testGraph('Test.Block', { block: false }));
    expect(await runJob(fx.deps, { jobId, finalAttempt: false })).toMatchObject({
      status: 'failed',
      retryable: false,
      error: { code: 'PROVIDER_UNAVAILABLE' },
    });
    expect(fx.script.calls['Test.Script']).toBe(1);
  });

  it('waits as long as a rate-limited provider asks before the next try, and fails at once when it asks for more than a minute', async () => {
    fx.script.failures['Test.Script'] = [new FentaError('PROVIDER_RATE_LIMITED', { provider: 'openai' }, { details: { retryAfterMs: 300 } })];
    const jobId = await fx.insertJob(testGraph('Test.Block', { block: false }));
    expect((await runJob(fx.deps, { jobId, finalAttempt: true })).status).toBe('completed');
    const warns = await fx.database.query<{ message: string }>(`SELECT message FROM job_logs WHERE job_id = $1 AND level = 'warn'`, [jobId]);
    expect(warns).toEqual([{ message: 'attempt 1 of 3 failed, retrying in 300 ms' }]);

    fx.script.failures['Test.Script'] = [new FentaError('PROVIDER_RATE_LIMITED', { provider: 'openai' }, { details: { retryAfterMs: 3_600_000 } })];
    const second = await fx.insertJob(testGraph('Test.Block', { block: false }));
    expect(await runJob(fx.deps, { jobId: second, finalAttempt: true })).toMatchObject({ status: 'failed', error: { code: 'PROVIDER_RATE_LIMITED' } });
    expect(fx.script.calls['Test.Script']).toBe(3);
  });

  it('hands a failure outside the nodes (the database refused a write) back to the queue while attempts remain, and fails it on the last', async () => {
    await fx.database.query(`CREATE FUNCTION refuse_usage() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`);
    await fx.database.query(`CREATE TRIGGER refuse_usage BEFORE INSERT ON usage_records FOR EACH ROW EXECUTE FUNCTION refuse_usage()`);
    const jobId = await fx.insertJob(testGraph('Test.Block', { block: false }));
    expect(await runJob(fx.deps, { jobId, finalAttempt: false })).toMatchObject({ status: 'failed', retryable: true });
    expect(await jobRow(jobId)).toMatchObject({ status: 'queued', error: { code: 'NODE_FAILED', node: 'b' } });
    expect((await fx.database.query(`SELECT retry_count, run_token FROM jobs WHERE id = $1`, [jobId]))[0]).toEqual({ retry_count: 1, run_token: null });
    expect(await runJob(fx.deps, { jobId, finalAttempt: true })).toMatchObject({ status: 'failed', retryable: false });
    expect((await jobRow(jobId)).status).toBe('failed');
    // One call per run: the node's own policy never saw a node failure to retry.
    expect(fx.script.calls['Test.Script']).toBe(2);
  });

  it('stops a node that runs past its timeout with NODE_TIMEOUT', async () => {
    const jobId = await fx.insertJob(testGraph('Test.Slow'));
    const outcome = await runJob(fx.deps, { jobId, finalAttempt: true });
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'NODE_TIMEOUT', message: 'Node c (Test.Slow) did not finish within 100 ms' } });
    expect(fx.script.calls['Test.Slow']).toBe(2);
  });

  it('cancels a running job: the node is aborted and the job is marked cancelled', async () => {
    const jobId = await fx.insertJob(testGraph('Test.Block'));
    const started = new Promise<void>((resolve) => (fx.script.blocked = resolve));
    const run = runJob(fx.deps, { jobId, finalAttempt: true });
    await started;
    expect(await requestJobCancel(fx.database.db, 'org_x', jobId)).toBe(true);
    expect(await run).toEqual({ status: 'cancelled' });
    const job = await jobRow(jobId);
    expect(job.status).toBe('cancelled');
    expect(job.error.code).toBe('JOB_CANCELLED');
    expect(fx.script.calls['Test.Render']).toBeUndefined();
  });

  it('refuses to run a job whose graph is invalid, as bad input', async () => {
    const jobId = await fx.insertJob({ nodes: [{ id: 'x', type: 'Nope' }], edges: [] });
    const outcome = await runJob(fx.deps, { jobId, finalAttempt: false });
    expect(outcome).toMatchObject({ status: 'failed', retryable: false, error: { code: 'GRAPH_NODE_TYPE_UNKNOWN' } });
    expect((await jobRow(jobId)).status).toBe('failed');
  });

  it('refuses a frozen graph whose node ids would be paths before it builds any folder, and touches nothing outside its temp root', async () => {
    // A row written around job creation (by hand, or by a tenant on a database that let them): the run re-validates it.
    const canary = path.join(fx.deps.tempRoot, '..', 'canary');
    await mkdir(canary, { recursive: true });
    await writeFile(path.join(canary, 'keep.txt'), 'still here');
    for (const id of ['../../canary', '..', '/tmp', 'a\\b']) {
      const graph = testGraph('Test.Block', { block: false });
      graph.nodes[0]!.id = id;
      graph.edges[1]!.from = id;
      const jobId = await fx.insertJob(graph);
      expect(await runJob(fx.deps, { jobId, finalAttempt: true })).toMatchObject({ status: 'failed', retryable: false, error: { code: 'GRAPH_ID_INVALID' } });
    }
    expect(fx.script.calls).toEqual({});
    expect(await readFile(path.join(canary, 'keep.txt'), 'utf8')).toBe('still here');
    expect(await fx.database.query(`SELECT count(*)::int AS n FROM job_nodes`)).toEqual([{ n: 0 }]);
  });
});
