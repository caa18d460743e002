import { FentaError, isFentaError } from '@fenta/core';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { retryAfterMs } from '@fenta/core';

/** A try that got no complete answer within its time limit. */
export class OpenAIRequestTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'OpenAIRequestTimeout';
  }
}

/**
 * Makes one OpenAI call, with its own time limit, and turns a failure into a
 * Fenta error whose code says whether another try may help. It does not
 * retry: the node's retry policy does, in one place for every provider (the
 * SDK's own retries are off too). Each call gets a signal that also fires
 * after `timeoutMs`: a timeout is told apart from a cancel by which signal
 * fired, not by the shape of the fetch error.
 */
export async function callOpenAI<T>(provider: string, timeoutMs: number, signal: AbortSignal, call: (attemptSignal: AbortSignal) => Promise<T>): Promise<T> {
  const timer = AbortSignal.timeout(timeoutMs);
  try {
    return await call(AbortSignal.any([signal, timer]));
  } catch (error) {
    throw openAIFailure(timer.aborted && !signal.aborted ? new OpenAIRequestTimeout(timeoutMs) : error, provider, signal);
  }
}

/** The wait an OpenAI error response asks for (`retry-after-ms`, else `retry-after`), in ms. */
export function openAIRetryAfterMs(error: unknown): number | undefined {
  if (!(error instanceof APIError)) return undefined;
  const headers = error.headers as Headers | undefined;
  if (!headers) return undefined;
  const milliseconds = headers.get('retry-after-ms')?.trim();
  if (milliseconds && /^\d+(\.\d+)?$/.test(milliseconds)) return Number(milliseconds);
  return retryAfterMs(headers);
}

/**
 * The Fenta error for a failed OpenAI call, in the shape the other HTTP
 * providers use: 429 → PROVIDER_RATE_LIMITED (with `details.retryAfterMs`),
 * 5xx and 408 → PROVIDER_ERROR (retryable), any other 4xx (a refused key, a
 * bad request) → PROVIDER_REQUEST_REFUSED (not retryable), a timeout or a
 * lost connection → PROVIDER_ERROR with status `timeout` / `connection-failed`.
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
      return new FentaError(
        'PROVIDER_RATE_LIMITED',
        { provider },
        { cause: error, details: { retryAfterMs: openAIRetryAfterMs(error), reason: bodyMessage(error) } },
      );
    }
    const code = error.status >= 500 || error.status === 408 ? 'PROVIDER_ERROR' : 'PROVIDER_REQUEST_REFUSED';
    return new FentaError(code, { provider, status: error.status, reason: bodyMessage(error) }, { cause: error });
  }
  return error;
}

/** The `error.message` of OpenAI's JSON error body, else the SDK's message. */
function bodyMessage(error: { error?: unknown; message: string }): string {
  const body = error.error as { message?: unknown } | undefined;
  const text = typeof body?.message === 'string' && body.message ? body.message : error.message;
  // OpenAI masks a key it echoes; a compatible server might not.
  return text.replace(/\bsk-[A-Za-z0-9_-]{20,}/g, 'sk-[redacted]');
}

function causeMessage(error: APIConnectionError): string {
  const cause = error.cause;
  return cause instanceof Error ? cause.message : error.message;
}
