import { isFentaError } from '@fenta/core';

/** `PROVIDER_ERROR` statuses that are about the connection, not the request: worth another try. */
const transientStatuses = new Set<unknown>(['timeout', 'connection-failed']);

/**
 * Whether a provider failure may go away on its own: rate limiting, 5xx,
 * 408, timeouts and dropped connections. Refused keys, bad requests and
 * refused URLs fail the same way every time.
 */
export function isTransientProviderError(error: unknown): boolean {
  if (!isFentaError(error)) return false;
  if (error.code === 'PROVIDER_RATE_LIMITED') return true;
  if (error.code !== 'PROVIDER_ERROR') return false;
  const status = error.params.status;
  if (typeof status === 'number') return status >= 500 || status === 408;
  return transientStatuses.has(status);
}

/** The wait a rate-limited provider asked for (`details.retryAfterMs`), if any. */
export function providerRetryDelayMs(error: unknown): number | undefined {
  if (!isFentaError(error) || typeof error.details !== 'object' || error.details === null) return undefined;
  const value = (error.details as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof value === 'number' ? value : undefined;
}
