import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { FentaError, isFentaError } from '../errors/fenta-error';
import type { PinnedAddress } from './resolve-allowed-address';

/** One HTTP request to an address that passed the policy. */
export interface PinnedRequestOptions {
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** The longest silence of the connection (waiting for the answer or the next chunk). */
  timeoutMs: number;
  /** Names the other side in PROVIDER_ERROR messages (`pexels`, `webhook`). */
  provider: string;
}

export interface PinnedResponse {
  response: IncomingMessage;
  /** Whether the socket went silent past timeoutMs (while the body is read, too). */
  timedOut: () => boolean;
}

/**
 * Sends a request whose connection goes to `pinned`, whatever the URL's
 * name resolves to by now, so a second DNS answer cannot swap a checked
 * public address for a private one. TLS still verifies the URL's host name.
 * A fresh connection every time: a pooled socket would skip the pinned lookup.
 * Transport failures are PROVIDER_ERROR (`timeout`, `connection-failed`);
 * an abort of `signal` rejects with its reason.
 */
export function requestPinned(url: URL, pinned: PinnedAddress, options: PinnedRequestOptions): Promise<PinnedResponse> {
  const { provider } = options;
  const lookup: LookupFunction = (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  };
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const client = url.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { 'user-agent': 'Fenta', ...options.headers };
    if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
    const request = client.request(url, { method: options.method, headers, lookup, agent: false, signal: options.signal, timeout: options.timeoutMs });
    request.on('timeout', () => {
      timedOut = true;
      request.destroy(new FentaError('PROVIDER_ERROR', { provider, status: 'timeout', reason: `no data from ${url.host} for ${options.timeoutMs} ms` }));
    });
    request.on('error', (error) => reject(pinnedRequestError(error, url, provider, options.signal)));
    request.on('response', (response) => resolve({ response, timedOut: () => timedOut }));
    request.end(options.body);
  });
}

/** A transport failure as PROVIDER_ERROR naming the host and the system's code (ECONNREFUSED, ECONNRESET…). */
export function pinnedRequestError(error: unknown, url: URL, provider: string, signal?: AbortSignal): unknown {
  if (signal?.aborted) return signal.reason;
  if (isFentaError(error) || (error as Error).name === 'AbortError') return error;
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new FentaError('PROVIDER_ERROR', { provider, status: 'connection-failed', reason: `${url.host}: ${code}` }, { cause: error });
}
