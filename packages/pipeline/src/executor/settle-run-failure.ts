import type { Kysely } from 'kysely';
import { FentaError, isFentaError, type Logger } from '@fenta/core';
import { failJobNode, type DB, type JobRunKey } from '@fenta/db';
import { cancelRun, failRun, handBackRun, retryRunLater, type JobErrorBody } from '@fenta/jobs';
import { JobStop } from './abort-reasons';
import type { JobLogWriter } from './job-log-writer';
import type { JobRunOutcome } from './run-job';

/** The node that was running when the run stopped; `failed` when the node itself failed (after its retry policy). */
export interface NodeInFlight {
  id: string;
  type: string;
  started: number;
  failed?: boolean;
}

/**
 * Settles a run that did not complete, so the job never stays `processing`:
 * cancelled → `cancelled`; shutdown or a lost queue lock → handed back
 * (`queued`, no retry counted); a lost lease → nothing (the job is another
 * run's now); a node's failure → `failed` with `render.failed` (its node
 * policy already retried what could be); any other failure (the database
 * went away mid-run) → `queued` for the queue to retry, unless this was the
 * queue's last attempt. Every write is guarded by the run's token. The
 * nodes that were running beside `node` are marked failed first, with
 * `{code: 'sibling-failed', node}` (or the stop's reason), so a client
 * following the job reads the failing node's event last before the job's.
 */
export async function settleRunFailure(input: {
  db: Kysely<DB>;
  logger: Logger;
  run: JobRunKey;
  thrown: unknown;
  /** The node whose failure stopped the run, or the one that was running when it was stopped. */
  node: NodeInFlight | undefined;
  /** Other nodes that were running, stopped beside it. */
  beside?: NodeInFlight[];
  logs: JobLogWriter;
  finalAttempt: boolean;
}): Promise<JobRunOutcome> {
  const { db, run, thrown, node, logs } = input;
  const jobId = run.jobId;
  const durationMs = node ? Date.now() - node.started : 0;
  const leaseLost = (thrown instanceof JobStop && thrown.reason === 'lease-lost') || (isFentaError(thrown) && thrown.code === 'JOB_LEASE_LOST');
  if (leaseLost) {
    input.logger.warn({ jobId }, 'another run took this job over; this run stopped without writing');
    return { status: 'lease-lost' };
  }
  const beside = input.beside ?? [];
  if (thrown instanceof JobStop) {
    for (const stopped of [...beside, ...(node ? [node] : [])]) {
      await failJobNode(db, run, { nodeId: stopped.id, error: { code: thrown.reason }, durationMs: Date.now() - stopped.started });
    }
    if (thrown.reason === 'cancelled') {
      if (!(await cancelRun(db, run))) return lostMeanwhile(input);
      logs.write({ jobId, level: 'warn', stage: null, message: 'job cancelled' });
      return { status: 'cancelled' };
    }
    if (!(await handBackRun(db, run))) return lostMeanwhile(input);
    logs.write({ jobId, level: 'warn', stage: null, message: `${thrown.message}: job handed back to the queue` });
    return { status: 'handed-back' };
  }

  const error = isFentaError(thrown)
    ? thrown
    : new FentaError(
        'NODE_FAILED',
        { node: node?.id ?? '(job)', type: node?.type ?? '', reason: thrown instanceof Error ? thrown.message : String(thrown) },
        { cause: thrown },
      );
  const body: JobErrorBody = {
    code: error.code,
    message: error.message,
    ...(node ? { node: node.id } : {}),
    ...(error.details === undefined ? {} : { details: error.details }),
  };
  for (const stopped of beside) {
    const error = { code: 'sibling-failed', ...(node ? { node: node.id } : {}) };
    await failJobNode(db, run, { nodeId: stopped.id, error, durationMs: Date.now() - stopped.started });
  }
  if (node) await failJobNode(db, run, { nodeId: node.id, error: body, durationMs });
  // A node's failure is final: its own policy retried it. Only a failure around the nodes goes back to the queue.
  const retryable = !node?.failed && !input.finalAttempt && !(isFentaError(thrown) && !thrown.retryable);
  const settled = retryable ? await retryRunLater(db, run, body) : await failRun(db, run, body);
  if (!settled) return lostMeanwhile(input);
  logs.write({ jobId, level: 'error', stage: null, message: error.message, data: { code: error.code, node: node?.id, retryable } });
  return { status: 'failed', error, retryable };
}

/** The run lost the job while it was settling it: another run holds it now, and this one reports nothing about it. */
function lostMeanwhile(input: { logger: Logger; run: JobRunKey }): JobRunOutcome {
  input.logger.warn({ jobId: input.run.jobId }, 'another run took this job over while this one was ending; it wrote nothing');
  return { status: 'lease-lost' };
}
