import { FentaError, isFentaError } from '@fenta/core';
import type { NodeType } from '../nodes/define-node-type';
import type { NodeContext } from '../nodes/node-context';
import { JobStop, stopReasonOf } from './abort-reasons';

/** The longest wait between two tries of a node; a provider asking for more fails the node now. */
export const maxRetryDelayMs = 60_000;

/**
 * Runs one node inside its type's retry and timeout policy: the one place a
 * failure is retried. A failure whose code is not retryable (see the error
 * registry: bad input, a refused key, a missing provider in strict mode)
 * fails at once; a retryable one is tried again with exponential backoff and
 * jitter, or after the wait the provider asked for (`details.retryAfterMs`),
 * until the attempts run out. A job stop (cancel, shutdown) is rethrown
 * as-is, never retried.
 */
export async function runNodeWithPolicy<Output>(
  nodeType: NodeType<unknown, unknown, Output>,
  makeContext: (signal: AbortSignal, attempt: number) => NodeContext,
  inputs: unknown,
  params: unknown,
  jobSignal: AbortSignal,
  nodeId: string,
  /** Readies the attempt (a fresh temp folder). */
  prepareAttempt: (attempt: number) => Promise<void>,
): Promise<Output> {
  const attempts = Math.max(1, nodeType.retry.attempts);
  for (let attempt = 1; ; attempt += 1) {
    const controller = new AbortController();
    const forward = () => controller.abort(jobSignal.reason);
    if (jobSignal.aborted) forward();
    jobSignal.addEventListener('abort', forward, { once: true });
    const timeout = new FentaError('NODE_TIMEOUT', { node: nodeId, type: nodeType.type, timeoutMs: nodeType.timeoutMs });
    const timer = setTimeout(() => controller.abort(timeout), nodeType.timeoutMs);
    const ctx = makeContext(controller.signal, attempt);
    try {
      await prepareAttempt(attempt);
      return await raceAbort(nodeType.run(ctx, inputs, params), controller.signal);
    } catch (thrown) {
      const stop = stopReasonOf(controller.signal);
      if (stop) throw new JobStop(stop);
      const error = controller.signal.aborted && controller.signal.reason === timeout ? timeout : asFentaError(thrown, nodeId, nodeType.type);
      if (!error.retryable || attempt >= attempts) throw error;
      const asked = retryAfterOf(error);
      if (asked !== undefined && asked > maxRetryDelayMs) throw error;
      const backoff = Math.round(nodeType.retry.backoffMs * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5));
      const delayMs = Math.min(maxRetryDelayMs, Math.max(backoff, asked ?? 0));
      ctx.log.warn(`attempt ${attempt} of ${attempts} failed, retrying in ${delayMs} ms`, { code: error.code, error: error.message });
      await abortableDelay(delayMs, jobSignal);
    } finally {
      clearTimeout(timer);
      jobSignal.removeEventListener('abort', forward);
    }
  }
}

/** The wait a failure asked for (a provider's `Retry-After`), in ms. */
function retryAfterOf(error: FentaError): number | undefined {
  const value = (error.details as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function asFentaError(thrown: unknown, node: string, type: string): FentaError {
  if (isFentaError(thrown)) return thrown;
  const reason = thrown instanceof Error ? thrown.message : String(thrown);
  return new FentaError('NODE_FAILED', { node, type, reason }, { cause: thrown });
}

/**
 * Settles as soon as the signal aborts, even if the node ignores its signal:
 * a stuck node must not hold the job past its timeout or a cancel.
 */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
