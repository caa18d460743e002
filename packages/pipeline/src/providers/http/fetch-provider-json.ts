import { FentaError } from '@fenta/core';
import { retryAfterMs } from '@fenta/core';

/** One call to a provider's JSON API. */
export interface ProviderJsonRequest {
  /** Names the provider in errors (`pexels`). */
  provider: string;
  url: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs: number;
  /** Strings (API keys) that must never appear in an error, even if the provider echoes them back. */
  secrets?: string[];
}

/**
 * GETs a provider's JSON API and classifies failures: 429 →
 * PROVIDER_RATE_LIMITED (with the wait it asked for in `details.retryAfterMs`),
 * 401/403 → PROVIDER_REQUEST_REFUSED "the API key was refused", other 4xx →
 * PROVIDER_REQUEST_REFUSED, 5xx, 408, timeouts and dropped connections →
 * PROVIDER_ERROR, a body that is not JSON → PROVIDER_RESPONSE_INVALID. The URL never appears in an error: it may hold
 * the key.
 */
export async function fetchProviderJson(request: ProviderJsonRequest): Promise<unknown> {
  const { provider } = request;
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetch(request.url, { headers: { accept: 'application/json', ...request.headers }, signal });
  } catch (error) {
    if (request.signal?.aborted) throw request.signal.reason;
    if (timeout.aborted) {
      throw new FentaError('PROVIDER_ERROR', { provider, status: 'timeout', reason: `no answer within ${request.timeoutMs} ms` });
    }
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new FentaError('PROVIDER_ERROR', { provider, status: 'connection-failed', reason: scrub(String(cause), request.secrets) });
  }
  const text = await readBody(response, request, timeout);
  if (response.status === 429) {
    throw new FentaError('PROVIDER_RATE_LIMITED', { provider }, { details: { retryAfterMs: retryAfterMs(response.headers) } });
  }
  if (response.status === 401 || response.status === 403) {
    throw new FentaError('PROVIDER_REQUEST_REFUSED', { provider, status: response.status, reason: 'the API key was refused' });
  }
  if (!response.ok) {
    const excerpt = scrub(text.slice(0, 200).trim(), request.secrets) || response.statusText;
    // 5xx and 408 may pass on another try; any other 4xx is this request's own fault.
    const code = response.status >= 500 || response.status === 408 ? 'PROVIDER_ERROR' : 'PROVIDER_REQUEST_REFUSED';
    throw new FentaError(code, { provider, status: response.status, reason: excerpt });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new FentaError('PROVIDER_RESPONSE_INVALID', { provider, reason: 'the answer is not JSON' });
  }
}

async function readBody(response: Response, request: ProviderJsonRequest, timeout: AbortSignal): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    if (request.signal?.aborted) throw request.signal.reason;
    const status = timeout.aborted ? 'timeout' : 'connection-failed';
    throw new FentaError('PROVIDER_ERROR', { provider: request.provider, status, reason: 'the answer was cut off' }, { cause: error });
  }
}

function scrub(text: string, secrets: string[] = []): string {
  return secrets.filter((secret) => secret.length > 0).reduce((result, secret) => result.split(secret).join('[redacted]'), text);
}
