import { FentaError } from '@fenta/core';
import { requestJobCancel } from '@fenta/db';
import { JobStop } from '../../src/executor/abort-reasons';
import { runJob } from '../../src/executor/run-job';
import { createExecutorFixture, testGraph, type ExecutorFixture } from './executor-fixture';

/** Resolves once every named node has called it: the nodes were running at the same time. */
function rendezvous(...nodeIds: string[]) {
  const arrived = new Set<string>();
  let open!: () => void;
  const together = new Promise<void>((resolve) => (open = resolve));
  const arrive = (nodeId: string) => {
    arrived.add(nodeId);
    if (nodeIds.every((id) => arrived.has(id))) open();
    return together;
  };
  return { arrive, together };
}

/** Resolves when each of the named calls has happened once. */
function calls(...names: string[]) {
  const seen = new Set<string>();
  let all!: () => void;
  const done = new Promise<void>((resolve) => (all = resolve));
  return {
    done,
    call: (name: string) => {
      seen.add(name);
      if (names.every((n) => seen.has(n))) all();
    },
  };
}

describe('runJob with independent branches', () => {
  let fx: ExecutorFixture;
  beforeEach(async () => {
    fx = await createExecutorFixture();
  });
  afterEach(() => fx.cleanup());

  const events = async (jobId: string) =>
    fx.database.query<{ type: string; data: Record<string, any> }>(`SELECT type, data FROM job_events WHERE job_id = $1 ORDER BY seq`, [jobId]);
  const nodeEvents = async (jobId: string) =>
    (await events(jobId)).filter((event) => event.type.startsWith('node.')).map((event) => `${event.type} ${event.data.node_id as string}`);
  const nodeRows = (jobId: string) => fx.database.query(`SELECT node_id, status, attempt, error FROM job_nodes WHERE job_id = $1 ORDER BY node_id`, [jobId]);

  it('runs the footage beside the script and the node after it: both are running at once, and the render waits for both', async () => {
    // a (footage) returns only once c (after the script) has started too: run one after the other, a times out.
    const meeting = rendezvous('a', 'c');
    fx.script.meet = meeting.arrive;
    fx.script.blocked = () => void meeting.arrive('c');
    fx.script.gate = meeting.together;
    const graph = testGraph('Test.Gate');
    graph.nodes[0]!.type = 'Test.Meet';
    const jobId = await fx.insertJob(graph);
    const progress: number[] = [];
    const outcome = await runJob(fx.deps, { jobId, finalAttempt: true, onProgress: (p) => progress.push(p) });

    expect(outcome.status).toBe('completed');
    expect(fx.script.calls).toEqual({ 'Test.Meet': 1, 'Test.Script': 1, 'Test.Gate': 1, 'Test.Render': 1 });
    expect(await nodeRows(jobId)).toEqual(['a', 'b', 'c', 'd'].map((node_id) => ({ node_id, status: 'completed', attempt: 1, error: null })));
    const order = await nodeEvents(jobId);
    const at = (event: string) => order.indexOf(event);
    expect(order).toHaveLength(8);
    expect(at('node.started c')).toBeLessThan(at('node.finished a'));
    expect(at('node.finished b')).toBeLessThan(at('node.started c'));
    expect(at('node.started d')).toBeGreaterThan(Math.max(at('node.finished a'), at('node.finished c')));
    expect(order.at(-1)).toBe('node.finished d');

    // Progress only rises, with nodes finishing in any order, and ends at 100 with the job.
    expect(progress).toEqual([...new Set(progress)].sort((x, y) => x - y));
    expect(progress.at(-1)).toBe(100);
    const stored = (await events(jobId)).filter((event) => event.type === 'progress').map((event) => event.data.progress as number);
    expect(stored).toEqual([...new Set(stored)].sort((x, y) => x - y));
    expect(stored.at(-1)).toBe(100);

    // Each node's lines carry its own stage and come in its own order, whatever ran beside it.
    const logs = await fx.database.query<{ stage: string; message: string }>(`SELECT stage, message FROM job_logs WHERE job_id = $1 ORDER BY id`, [jobId]);
    const linesOf = (prefix: string) => logs.filter((l) => l.message.startsWith(prefix)).map((l) => `${l.stage}|${l.message}`);
    expect(linesOf('a ')).toEqual(['ingest|a (Test.Meet) started', 'ingest|a (Test.Meet) done']);
    expect(logs.filter((l) => l.stage === 'script').map((l) => l.message)).toEqual(['b (Test.Script) started', 'wrote a script', 'b (Test.Script) done']);
    expect(linesOf('c ')).toEqual(['edit|c (Test.Gate) started', 'edit|c (Test.Gate) done']);
    expect(logs.at(-1)).toEqual({ stage: 'export', message: 'job completed' });
  });

  it('with FENTA_NODE_CONCURRENCY 1 runs one node at a time: the footage that waits for a later node times out', async () => {
    fx.script.meet = rendezvous('a', 'c').arrive;
    const graph = testGraph('Test.Gate');
    graph.nodes[0]!.type = 'Test.Meet';
    const jobId = await fx.insertJob(graph);
    const outcome = await runJob({ ...fx.deps, nodeConcurrency: 1 }, { jobId, finalAttempt: true });
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'NODE_TIMEOUT', message: 'Node a (Test.Meet) did not finish within 2000 ms' } });
    expect(fx.script.calls).toEqual({ 'Test.Meet': 1 });
  });

  it("fails the job with the failing node's error and stops the branch running beside it", async () => {
    const holding = calls('a');
    fx.script.holding = holding.call;
    // b fails only once a is running, so a is stopped rather than never started.
    fx.script.waitFor = { 'Test.Script': holding.done };
    fx.script.failures['Test.Script'] = [new FentaError('NODE_INPUT_INVALID', { node: 'b', type: 'Test.Script', reason: 'the prompt is empty' })];
    const graph = testGraph('Test.Block', { block: false });
    graph.nodes[0]!.type = 'Test.Hold';
    const jobId = await fx.insertJob(graph);
    const outcome = await runJob(fx.deps, { jobId, finalAttempt: false });

    const error = { code: 'NODE_INPUT_INVALID', message: 'Node b (Test.Script) cannot run on its input: the prompt is empty', node: 'b' };
    expect(outcome).toMatchObject({ status: 'failed', retryable: false, error: { code: 'NODE_INPUT_INVALID' } });
    const [job] = await fx.database.query(`SELECT status, error FROM jobs WHERE id = $1`, [jobId]);
    expect(job).toEqual({ status: 'failed', error });
    expect(fx.script.stopped).toEqual({ a: new JobStop('sibling-failed') });
    expect((fx.script.stopped!.a as JobStop).reason).toBe('sibling-failed');
    // Neither is tried again, and nothing after them starts.
    expect(fx.script.calls).toEqual({ 'Test.Hold': 1, 'Test.Script': 1 });
    expect(await nodeRows(jobId)).toEqual([
      { node_id: 'a', status: 'failed', attempt: 1, error: { code: 'sibling-failed', node: 'b' } },
      { node_id: 'b', status: 'failed', attempt: 1, error },
    ]);
    // The stopped sibling's event comes first, so the failing node's is the last before the job's.
    const last = (await events(jobId)).filter((event) => event.type !== 'progress').slice(-3);
    expect(last.map((event) => `${event.type} ${(event.data.node_id as string | undefined) ?? ''}`.trim())).toEqual([
      'node.failed a',
      'node.failed b',
      'job.failed',
    ]);
  });

  it('cancels every running branch of a cancelled job', async () => {
    const running = calls('a', 'c');
    fx.script.holding = running.call;
    fx.script.blocked = () => running.call('c');
    const graph = testGraph('Test.Block');
    graph.nodes[0]!.type = 'Test.Hold';
    const jobId = await fx.insertJob(graph);
    const run = runJob(fx.deps, { jobId, finalAttempt: true });
    await running.done;
    expect(await requestJobCancel(fx.database.db, 'org_x', jobId)).toBe(true);
    expect(await run).toEqual({ status: 'cancelled' });
    expect(fx.script.stopped).toEqual({ a: new JobStop('cancelled') });
    expect(await nodeRows(jobId)).toEqual([
      { node_id: 'a', status: 'failed', attempt: 1, error: { code: 'cancelled' } },
      { node_id: 'b', status: 'completed', attempt: 1, error: null },
      { node_id: 'c', status: 'failed', attempt: 1, error: { code: 'cancelled' } },
    ]);
    expect(fx.script.calls['Test.Render']).toBeUndefined();
  });

  it('resumes after a crash with two branches under way: the checkpointed script is not run again, both branches are', async () => {
    const running = calls('a', 'c');
    fx.script.holding = running.call;
    fx.script.blocked = () => running.call('c');
    const graph = testGraph('Test.Block');
    graph.nodes[0]!.type = 'Test.Hold';
    const jobId = await fx.insertJob(graph);
    const shutdown = new AbortController();
    const first = runJob(fx.deps, { jobId, finalAttempt: false, signal: shutdown.signal });
    await running.done;
    shutdown.abort();
    expect(await first).toEqual({ status: 'handed-back' });

    // What a crash leaves: the job and both of its branches' nodes still marked as running.
    await fx.database.query(`UPDATE jobs SET status = 'processing' WHERE id = $1`, [jobId]);
    await fx.database.query(`UPDATE job_nodes SET status = 'running', error = NULL WHERE job_id = $1 AND node_id IN ('a', 'c')`, [jobId]);
    await fx.database.query(
      `UPDATE jobs SET config = jsonb_set(jsonb_set(config, '{graph,nodes,0,params}', '{"block": false}'), '{graph,nodes,2,params}', '{"block": false}') WHERE id = $1`,
      [jobId],
    );
    expect((await runJob(fx.deps, { jobId, finalAttempt: true })).status).toBe('completed');

    expect(fx.script.calls).toEqual({ 'Test.Hold': 2, 'Test.Script': 1, 'Test.Block': 2, 'Test.Render': 1 });
    expect((await nodeRows(jobId)).map((row: any) => [row.node_id, row.status, row.attempt])).toEqual([
      ['a', 'completed', 2],
      ['b', 'completed', 1],
      ['c', 'completed', 2],
      ['d', 'completed', 1],
    ]);
    const [job] = await fx.database.query(`SELECT cost_tokens FROM jobs WHERE id = $1`, [jobId]);
    expect(job).toEqual({ cost_tokens: 1500 });
    expect(await fx.database.query(`SELECT count(*)::int AS n FROM usage_records WHERE job_id = $1 AND resource_type = 'llm_tokens'`, [jobId])).toEqual([
      { n: 1 },
    ]);
    const resumed = await fx.database.query(`SELECT message FROM job_logs WHERE job_id = $1 AND message LIKE '%resumed%' ORDER BY id`, [jobId]);
    expect(resumed).toEqual([{ message: 'b (Test.Script) resumed from its checkpoint' }]);
  });
});
