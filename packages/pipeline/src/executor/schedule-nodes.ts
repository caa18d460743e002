import { JobStop } from './abort-reasons';

/** The nodes to run and what each waits for. */
export interface NodeSchedule {
  /** Node ids in a topological order: of the nodes ready at once, the earliest here starts first. */
  order: readonly string[];
  /** The nodes whose outputs a node needs; it starts only once all of them are done. */
  upstreamOf: (nodeId: string) => readonly string[];
  /** Nodes already done (checkpointed): not run, and nothing waits for them. */
  done: ReadonlySet<string>;
  /** How many nodes run at once, at least 1. */
  limit: number;
  /** Aborted from outside (cancel, shutdown, a lost lease): nothing more starts, and running nodes see it. */
  signal: AbortSignal;
}

/** How a schedule ended: every node done, or stopped by the first failure or by the outside signal. */
export interface ScheduleOutcome {
  /** The first node that threw and what (after a stop from outside, the stop); the nodes beside it were stopped. */
  failed?: { nodeId: string; error: unknown };
  /** Nodes that never started (a failure or the outside signal stopped the schedule first). */
  notStarted: string[];
}

/**
 * Runs a job's nodes as their inputs become ready, up to `limit` at once, so
 * independent branches (footage beside script → voice → captions) overlap.
 * Each node gets a signal that aborts with the outside signal's reason, or
 * with `JobStop('sibling-failed')` once another node failed: the first
 * failure stops the rest, and the schedule settles only after every running
 * node has (none is left writing when the job is settled). Never throws: the
 * first failure is in the outcome.
 */
export async function runNodeSchedule(schedule: NodeSchedule, runNode: (nodeId: string, signal: AbortSignal) => Promise<void>): Promise<ScheduleOutcome> {
  const branches = new AbortController();
  const forward = () => branches.abort(schedule.signal.reason);
  if (schedule.signal.aborted) forward();
  schedule.signal.addEventListener('abort', forward, { once: true });

  const done = new Set(schedule.done);
  const waiting = schedule.order.filter((nodeId) => !done.has(nodeId));
  const running = new Map<string, Promise<void>>();
  let failed: ScheduleOutcome['failed'];
  const ready = (nodeId: string) => schedule.upstreamOf(nodeId).every((upstream) => done.has(upstream));
  const start = (nodeId: string) => {
    const settle = async () => {
      try {
        await runNode(nodeId, branches.signal);
        done.add(nodeId);
      } catch (error) {
        // The first to throw is the cause; a stop from outside is already on `branches` and keeps its reason.
        if (!failed) {
          failed = { nodeId, error };
          branches.abort(new JobStop('sibling-failed'));
        }
      } finally {
        running.delete(nodeId);
      }
    };
    running.set(nodeId, settle());
  };

  try {
    for (;;) {
      if (!branches.signal.aborted) {
        for (const nodeId of [...waiting]) {
          if (running.size >= Math.max(1, schedule.limit)) break;
          if (!ready(nodeId)) continue;
          waiting.splice(waiting.indexOf(nodeId), 1);
          start(nodeId);
        }
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
  } finally {
    schedule.signal.removeEventListener('abort', forward);
  }
  return { ...(failed ? { failed } : {}), notStarted: waiting };
}
