import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FentaError, pinnedRequestError, requestPinned, resolveAllowedAddress, urlForMessages, type AddressPolicy } from '@fenta/core';

/** Limits and context of one download. */
export interface SafeDownloadOptions {
  /** Larger files fail with DOWNLOAD_TOO_LARGE, by Content-Length before reading or by counted bytes. */
  maxBytes: number;
  signal?: AbortSignal;
  /** Which addresses may be reached; `{}` (public unicast only) in production. */
  policy: AddressPolicy;
  /** The longest wait for the answer or for the next chunk of the body. */
  timeoutMs: number;
  /** Sent to the first URL's origin only: a redirect elsewhere must not receive credentials. */
  headers?: Record<string, string>;
  /** Names the source in PROVIDER_ERROR messages (`pexels`); `download` unless told. */
  provider?: string;
}

export interface SafeDownloadResult {
  bytes: number;
  contentType: string | undefined;
  /** Where the file finally came from, after redirects, without its query. */
  finalUrl: string;
}

const maxRedirects = 5;
const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/**
 * Downloads a remote-supplied URL to `destPath` without letting it reach
 * this machine or the local network: http(s) only, every resolved address
 * checked, the connection pinned to the checked address (a second DNS answer
 * cannot swap it), each redirect hop checked again, and the size capped. On
 * any failure the partial file is deleted.
 */
export async function safeDownload(url: string, destPath: string, options: SafeDownloadOptions): Promise<SafeDownloadResult> {
  const provider = options.provider ?? 'download';
  let current = parseHttpUrl(url);
  const firstOrigin = current.origin;
  try {
    for (let hop = 0; ; hop += 1) {
      options.signal?.throwIfAborted();
      const pinned = await resolveAllowedAddress(current, options.policy, provider);
      const headers = current.origin === firstOrigin ? options.headers : undefined;
      const { response, timedOut } = await requestPinned(current, pinned, {
        method: 'GET',
        headers,
        signal: options.signal,
        timeoutMs: options.timeoutMs,
        provider,
      });
      const status = response.statusCode ?? 0;
      if (redirectStatuses.has(status)) {
        response.resume();
        const location = response.headers.location;
        if (!location) throw providerError(provider, status, `redirect from ${urlForMessages(current)} has no Location`);
        if (hop >= maxRedirects) throw providerError(provider, status, `more than ${maxRedirects} redirects from ${urlForMessages(url)}`);
        current = parseHttpUrl(new URL(location, current).toString());
        continue;
      }
      if (status < 200 || status >= 300) {
        response.resume();
        throw providerError(provider, status, `download of ${urlForMessages(current)} failed`);
      }
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        response.destroy();
        throw tooLarge(current, options.maxBytes);
      }
      const bytes = await writeLimited(response, destPath, current, options.maxBytes, timedOut, provider);
      return { bytes, contentType: response.headers['content-type'], finalUrl: urlForMessages(current) };
    }
  } catch (error) {
    await rm(destPath, { force: true });
    if (options.signal?.aborted) throw options.signal.reason;
    throw error;
  }
}

function parseHttpUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new FentaError('URL_NOT_ALLOWED', { url: urlForMessages(url), reason: 'it is not a valid URL' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new FentaError('URL_NOT_ALLOWED', { url: urlForMessages(parsed), reason: `scheme ${parsed.protocol} is not http or https` });
  }
  return parsed;
}

async function writeLimited(
  response: IncomingMessage,
  destPath: string,
  url: URL,
  maxBytes: number,
  timedOut: () => boolean,
  provider: string,
): Promise<number> {
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > maxBytes) callback(tooLarge(url, maxBytes));
      else callback(null, chunk);
    },
  });
  try {
    await pipeline(response, limit, createWriteStream(destPath));
  } catch (error) {
    if (timedOut()) throw providerError(provider, 'timeout', `the body from ${url.host} stalled`);
    throw pinnedRequestError(error, url, provider);
  }
  return bytes;
}

/** A failed download: retryable for 5xx, 408, 429 and transport problems; a refused request (another 4xx, a redirect loop) is not. */
function providerError(provider: string, status: number | string, reason: string): FentaError {
  const refused = typeof status === 'number' && status < 500 && status !== 408 && status !== 429;
  return new FentaError(refused ? 'PROVIDER_REQUEST_REFUSED' : 'PROVIDER_ERROR', { provider, status, reason });
}

function tooLarge(url: URL, maxBytes: number): FentaError {
  return new FentaError('DOWNLOAD_TOO_LARGE', { host: url.host, limitBytes: maxBytes });
}
