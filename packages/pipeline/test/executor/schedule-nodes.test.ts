import { JobStop } from '../../src/executor/abort-reasons';
import { runNodeSchedule, type NodeSchedule } from '../../src/executor/schedule-nodes';

/** Nodes the test finishes by hand: each run waits until the test resolves or rejects it. */
function controlledNodes() {
  const started: string[] = [];
  const signals: Record<string, AbortSignal> = {};
  const finish: Record<string, { resolve: () => void; reject: (error: unknown) => void }> = {};
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const runNode = (nodeId: string, signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      started.push(nodeId);
      signals[nodeId] = signal;
      finish[nodeId] = { resolve, reject };
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      for (const waiter of waiters.filter((w) => started.length >= w.count)) waiter.resolve();
    });
  /** Resolves once `count` nodes have started. */
  const startedCount = (count: number) => (started.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })));
  return { started, signals, finish, runNode, startedCount };
}

const independent = (order: string[], limit: number, signal = new AbortController().signal): NodeSchedule => ({
  order,
  upstreamOf: () => [],
  done: new Set(),
  limit,
  signal,
});

describe('runNodeSchedule', () => {
  it('runs at most `limit` nodes at once, starting the next ready one in plan order as one finishes', async () => {
    const nodes = controlledNodes();
    const outcome = runNodeSchedule(independent(['n1', 'n2', 'n3', 'n4'], 2), nodes.runNode);
    await nodes.startedCount(2);
    expect(nodes.started).toEqual(['n1', 'n2']);
    nodes.finish.n2!.resolve();
    await nodes.startedCount(3);
    expect(nodes.started).toEqual(['n1', 'n2', 'n3']);
    nodes.finish.n1!.resolve();
    await nodes.startedCount(4);
    nodes.finish.n3!.resolve();
    nodes.finish.n4!.resolve();
    expect(await outcome).toEqual({ notStarted: [] });
  });

  it('starts a node only when all its upstream nodes are done, and never one already done', async () => {
    const nodes = controlledNodes();
    const upstream: Record<string, string[]> = { n3: ['n2'], n5: ['n1', 'n4'], n4: ['n3'] };
    const schedule: NodeSchedule = { ...independent(['n1', 'n2', 'n3', 'n4', 'n5'], 3), upstreamOf: (id) => upstream[id] ?? [], done: new Set(['n2']) };
    const outcome = runNodeSchedule(schedule, nodes.runNode);
    await nodes.startedCount(2);
    // n2 is checkpointed: n3 may start at once beside n1; n4 waits for n3, n5 for n1 and n4.
    expect(nodes.started).toEqual(['n1', 'n3']);
    nodes.finish.n3!.resolve();
    await nodes.startedCount(3);
    expect(nodes.started).toEqual(['n1', 'n3', 'n4']);
    nodes.finish.n4!.resolve();
    nodes.finish.n1!.resolve();
    await nodes.startedCount(4);
    expect(nodes.started).toEqual(['n1', 'n3', 'n4', 'n5']);
    nodes.finish.n5!.resolve();
    expect(await outcome).toEqual({ notStarted: [] });
  });

  it('stops the running nodes when one fails, starts nothing more, and settles after them with the first failure', async () => {
    const nodes = controlledNodes();
    const schedule: NodeSchedule = { ...independent(['n1', 'n2', 'n3'], 2), upstreamOf: (id) => (id === 'n3' ? ['n1'] : []) };
    let settled = false;
    const outcome = runNodeSchedule(schedule, nodes.runNode).finally(() => (settled = true));
    await nodes.startedCount(2);
    const boom = new Error('boom');
    nodes.finish.n2!.reject(boom);
    await new Promise<void>((resolve) => nodes.signals.n1!.addEventListener('abort', () => resolve(), { once: true }));
    expect(nodes.signals.n1!.reason).toEqual(new JobStop('sibling-failed'));
    expect(await outcome).toEqual({ failed: { nodeId: 'n2', error: boom }, notStarted: ['n3'] });
    expect(settled).toBe(true);
    expect(nodes.started).toEqual(['n1', 'n2']);
  });

  it('passes a stop from outside to every running node with its own reason, and starts nothing after it', async () => {
    const nodes = controlledNodes();
    const stop = new AbortController();
    const outcome = runNodeSchedule(independent(['n1', 'n2', 'n3'], 2, stop.signal), nodes.runNode);
    await nodes.startedCount(2);
    stop.abort(new JobStop('cancelled'));
    expect(await outcome).toEqual({ failed: { nodeId: 'n1', error: new JobStop('cancelled') }, notStarted: ['n3'] });
    expect(nodes.signals.n2!.reason).toEqual(new JobStop('cancelled'));
    expect((nodes.signals.n2!.reason as JobStop).reason).toBe('cancelled');
  });
});
