import { RenderSlots } from '../../src/executor/render-slots';
import { runJob } from '../../src/executor/run-job';
import { createExecutorFixture, testGraph, type ExecutorFixture } from './executor-fixture';

/** Render slots that say when a render asks for one. */
class WatchedSlots extends RenderSlots {
  asked = 0;
  onAsk?: (asked: number) => void;
  override acquire(signal: AbortSignal): Promise<() => void> {
    this.asked += 1;
    this.onAsk?.(this.asked);
    return super.acquire(signal);
  }
}

describe('runJob with the worker’s render slots', () => {
  let fx: ExecutorFixture;
  beforeEach(async () => {
    fx = await createExecutorFixture();
  });
  afterEach(() => fx.cleanup());

  const nodeRows = (jobId: string) =>
    fx.database.query<{ node_id: string; status: string; started_at: Date; completed_at: Date | null }>(
      `SELECT node_id, status, started_at, completed_at FROM job_nodes WHERE job_id = $1 ORDER BY node_id`,
      [jobId],
    );

  it('with one slot, two jobs render one after the other while the second makes everything before its render', async () => {
    const slots = new WatchedSlots(1);
    const secondAsked = new Promise<void>((resolve) => (slots.onAsk = (asked) => asked === 2 && resolve()));
    const rendering: string[] = [];
    const oneRendering = new Promise<void>((resolve) => (fx.script.rendering = (jobId) => (rendering.push(jobId), resolve())));
    let openGate!: () => void;
    fx.script.waitFor = { 'Test.Render': new Promise<void>((resolve) => (openGate = resolve)) };
    // Two orgs: an org's plan runs one job at a time, and a worker's jobs are usually of different orgs.
    await fx.database.query(`INSERT INTO orgs (id, name, slug, owner_id) VALUES ('org_y', 'Y', 'y', 'user_x')`);
    const graph = JSON.stringify({ graph: testGraph('Test.Block', { block: false }), variables: {} });
    const [other] = await fx.database.query<{ id: string }>(`INSERT INTO jobs (org_id, created_by, config) VALUES ('org_y', 'user_x', $1) RETURNING id`, [
      graph,
    ]);
    const jobs = [await fx.insertJob(testGraph('Test.Block', { block: false })), other!.id];
    const deps = { ...fx.deps, renderSlots: slots };
    const runs = jobs.map((jobId) => runJob(deps, { jobId, finalAttempt: true }));

    // One render holds the slot at its gate; the other job's render has asked for it.
    await Promise.all([oneRendering, secondAsked]);
    expect(rendering).toHaveLength(1);
    expect(slots.queued).toBe(1);
    const [renderingJob, waitingJob] = rendering[0] === jobs[0] ? [jobs[0]!, jobs[1]!] : [jobs[1]!, jobs[0]!];
    // The waiting job made its footage, script and middle node meanwhile; its render has not started (no row).
    expect((await nodeRows(waitingJob)).map((row) => [row.node_id, row.status])).toEqual([
      ['a', 'completed'],
      ['b', 'completed'],
      ['c', 'completed'],
    ]);

    openGate();
    expect((await Promise.all(runs)).map((outcome) => outcome.status)).toEqual(['completed', 'completed']);
    expect(rendering).toEqual([renderingJob, waitingJob]);
    const firstRender = (await nodeRows(renderingJob)).find((row) => row.node_id === 'd')!;
    const secondRender = (await nodeRows(waitingJob)).find((row) => row.node_id === 'd')!;
    expect(secondRender.started_at.getTime()).toBeGreaterThanOrEqual(firstRender.completed_at!.getTime());
    expect([slots.busy, slots.queued]).toEqual([false, 0]);
    const waits = await fx.database.query<{ message: string }>(`SELECT message FROM job_logs WHERE job_id = $1 AND message LIKE '%render slot%'`, [waitingJob]);
    expect(waits).toEqual([{ message: 'd (Test.Render) waits for a render slot: this worker renders 1 at a time' }]);
  });
});
