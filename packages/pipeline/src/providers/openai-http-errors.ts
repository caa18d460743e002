import { FentaError, isFentaError } from '@fenta/core';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { retryAfterMs } from './http/retry-after-ms';
import { retryWithBackoff } from './retry-with-backoff';

/** How an OpenAI call is retried. */
export interface OpenAIRetryPolicy {
  /** Total tries, the first included. */
  attempts: number;
  /** First backoff delay, ms; doubles per retry, with jitter. */
  backoffMs: number;
}

/** A try that got no complete answer within its time limit. */
export class OpenAIRequestTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'OpenAIRequestTimeout';
  }
}

/**
 * Runs one OpenAI call, retrying transient failures with backoff (the SDK's
 * own retries are off, so this is the only retry loop), and turns the final
 * failure into a Fenta error. Each try gets its own signal that also fires
 * after `timeoutMs`: a timeout is told apart from a cancel by which signal
 * fired, not by the shape of the fetch error.
 */
export async function callOpenAI<T>(
  provider: string,
  policy: OpenAIRetryPolicy & { timeoutMs: number },
  signal: AbortSignal,
  call: (attemptSignal: AbortSignal) => Promise<T>,
): Promise<T> {
  try {
    return await retryWithBackoff(
      async () => {
        const timer = AbortSignal.timeout(policy.timeoutMs);
        try {
          return await call(AbortSignal.any([signal, timer]));
        } catch (error) {
          if (timer.aborted && !signal.aborted) throw new OpenAIRequestTimeout(policy.timeoutMs);
          throw error;
        }
      },
      { attempts: policy.attempts, baseMs: policy.backoffMs, signal, isTransient: isTransientOpenAIError, delayHintMs: openAIRetryAfterMs },
    );
  } catch (error) {
    throw openAIFailure(error, provider, signal);
  }
}

/**
 * True for failures of an OpenAI call worth another try: rate limits (429),
 * server errors (5xx), request timeouts (408), timeouts and lost connections.
 * Any other 4xx is the request's own fault and fails at once.
 */
export function isTransientOpenAIError(error: unknown): boolean {
  if (error instanceof OpenAIRequestTimeout) return true;
  if (error instanceof APIUserAbortError) return false;
  if (error instanceof APIConnectionError) return true;
  if (error instanceof APIError && typeof error.status === 'number') return error.status === 429 || error.status === 408 || error.status >= 500;
  return false;
}

/** The wait an OpenAI error response asks for (`retry-after-ms`, else `retry-after`), in ms. */
export function openAIRetryAfterMs(error: unknown): number | undefined {
  if (!(error instanceof APIError) || !error.headers) return undefined;
  const milliseconds = error.headers.get('retry-after-ms')?.trim();
  if (milliseconds && /^\d+(\.\d+)?$/.test(milliseconds)) return Number(milliseconds);
  return retryAfterMs(error.headers);
}

/**
 * The Fenta error for a failed OpenAI call, in the shape the other HTTP
 * providers use: 429 → PROVIDER_RATE_LIMITED (with `details.retryAfterMs`),
 * other HTTP errors → PROVIDER_ERROR with the status, a timeout or a lost
 * connection → PROVIDER_ERROR with status `timeout` / `connection-failed`.
 * A call stopped by its signal gives the signal's reason, so a cancelled or
 * timed-out job is not mistaken for a provider fault.
 */
export function openAIFailure(error: unknown, provider: string, signal?: AbortSignal): unknown {
  if (signal?.aborted) return signal.reason;
  if (isFentaError(error) || error instanceof APIUserAbortError) return error;
  if (error instanceof APIConnectionTimeoutError || error instanceof OpenAIRequestTimeout) {
    return new FentaError('PROVIDER_ERROR', { provider, status: 'timeout', reason: 'no answer within the time limit' }, { cause: error });
  }
  if (error instanceof APIConnectionError) {
    return new FentaError('PROVIDER_ERROR', { provider, status: 'connection-failed', reason: causeMessage(error) }, { cause: error });
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    if (error.status === 429) {
      return new FentaError('PROVIDER_RATE_LIMITED', { provider }, { cause: error, details: { retryAfterMs: openAIRetryAfterMs(error), reason: bodyMessage(error) } });
    }
    return new FentaError('PROVIDER_ERROR', { provider, status: error.status, reason: bodyMessage(error) }, { cause: error });
  }
  return error;
}

/** The `error.message` of OpenAI's JSON error body, else the SDK's message. */
function bodyMessage(error: APIError): string {
  const body = error.error as { message?: unknown } | undefined;
  return typeof body?.message === 'string' && body.message ? body.message : error.message;
}

function causeMessage(error: APIConnectionError): string {
  const cause = error.cause;
  return cause instanceof Error ? cause.message : error.message;
}
