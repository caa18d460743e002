import type { IncomingMessage } from 'node:http';
import { isFentaError, requestPinned, resolveAllowedAddress, retryAfterMs, type AddressPolicy } from '@fenta/core';

/** How one POST of a delivery went. */
export type SendOutcome =
  | {
      answered: true;
      /** The final answer's status (after any 307/308 redirects). */
      status: number;
      /** The start of the answer's body, at most responseBodyLimit characters. */
      body: string;
      /** The wait a 429 or 503 asked for (Retry-After), in ms. */
      retryAfterMs?: number;
    }
  | {
      answered: false;
      /** Why there was no answer: a refused address, a timeout, a dropped connection. */
      error: string;
      /** Nothing was sent, for a fault of this side (a signing secret it cannot open), not of the endpoint. */
      ours?: boolean;
    };

export interface SendWebhookOptions {
  body: string;
  headers: Record<string, string>;
  policy: AddressPolicy;
  /** The whole attempt: connecting, every redirect hop and reading the answer. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** How much of a receiver's answer is kept in the delivery's record. */
export const responseBodyLimit = 2_048;

const maxRedirects = 3;

/**
 * POSTs one delivery without letting it reach this machine or the local
 * network: every address the host resolves to is checked by `policy`, the
 * connection goes to the checked address, and a redirect is followed only
 * when it keeps the method and body (307, 308), each hop checked again.
 * Any other 3xx is an answer like any non-2xx. Never throws for the
 * receiver's faults: they are outcomes; an abort of `signal` rejects.
 */
export async function sendWebhook(url: string, options: SendWebhookOptions): Promise<SendOutcome> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    // A stored URL that no longer parses is a failed attempt like any other, not a delivery stuck forever.
    let current = new URL(url);
    for (let hop = 0; ; hop += 1) {
      const pinned = await resolveAllowedAddress(current, options.policy, 'webhook');
      const { response } = await requestPinned(current, pinned, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        body: options.body,
        signal,
        timeoutMs: options.timeoutMs,
        provider: 'webhook',
      });
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if ((status === 307 || status === 308) && location && hop < maxRedirects) {
        response.resume();
        current = new URL(location, current);
        if (current.protocol !== 'http:' && current.protocol !== 'https:') return { answered: false, error: `redirected to a ${current.protocol} URL` };
        continue;
      }
      const body = await readStart(response);
      const retryAfter = status === 429 || status === 503 ? retryAfterOf(response) : undefined;
      return { answered: true, status, body, ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }) };
    }
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    if (timeout.aborted) return { answered: false, error: `no answer within ${options.timeoutMs} ms` };
    return { answered: false, error: storable(isFentaError(error) ? error.message : String((error as Error).message ?? error)) };
  }
}

/** Reads the answer up to responseBodyLimit characters and drops the rest, so a huge answer costs nothing. */
async function readStart(response: IncomingMessage): Promise<string> {
  response.setEncoding('utf8');
  let text = '';
  for await (const chunk of response) {
    text += chunk as string;
    if (text.length >= responseBodyLimit) {
      response.destroy();
      break;
    }
  }
  return storable(text.slice(0, responseBodyLimit));
}

/** Text PostgreSQL can keep: it refuses NUL in text columns, and one NUL byte in an answer would fail recording the attempt, so it would be sent again forever. */
function storable(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD');
}

function retryAfterOf(response: IncomingMessage): number | undefined {
  const value = response.headers['retry-after'];
  return typeof value === 'string' ? retryAfterMs(new Headers({ 'retry-after': value })) : undefined;
}
