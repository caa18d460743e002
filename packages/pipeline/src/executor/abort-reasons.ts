/** Why a job's work was stopped from outside: the executor tells these apart to set the job's status. */
export type StopReason = 'cancelled' | 'shutdown';

/** The abort reason object, so a node's AbortError can be traced back to why it was stopped. */
export class JobStop extends Error {
  constructor(readonly reason: StopReason) {
    super(reason === 'cancelled' ? 'job cancelled' : 'worker shutting down');
    this.name = 'JobStop';
  }
}

/** The stop behind an aborted signal, if it was a job stop (not, e.g., a node timeout). */
export function stopReasonOf(signal: AbortSignal): StopReason | undefined {
  return signal.aborted && signal.reason instanceof JobStop ? signal.reason.reason : undefined;
}
