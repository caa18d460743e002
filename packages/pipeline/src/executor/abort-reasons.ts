/**
 * Why a job's work was stopped from outside the node; the executor tells
 * these apart to settle the job: `cancelled` ends it, `shutdown` and
 * `lock-lost` hand it back to the queue, `lease-lost` leaves it to the run
 * that took it over. `sibling-failed` stops the nodes running beside one that
 * failed: the job then fails with that node's error.
 */
export type StopReason = 'cancelled' | 'shutdown' | 'lock-lost' | 'lease-lost' | 'sibling-failed';

const messages: Record<StopReason, string> = {
  cancelled: 'job cancelled',
  shutdown: 'worker shutting down',
  'lock-lost': 'the queue lock on the job was lost',
  'lease-lost': 'another run took the job over',
  'sibling-failed': 'another node of the job failed',
};

/** The abort reason object, so a node's AbortError can be traced back to why it was stopped. */
export class JobStop extends Error {
  constructor(readonly reason: StopReason) {
    super(messages[reason]);
    this.name = 'JobStop';
  }
}

/** The stop behind an aborted signal, if it was a job stop (not, e.g., a node timeout). */
export function stopReasonOf(signal: AbortSignal): StopReason | undefined {
  return signal.aborted && signal.reason instanceof JobStop ? signal.reason.reason : undefined;
}
