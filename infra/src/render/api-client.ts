import { errorCodes, type ErrorCode } from '@fenta/core';
import { CommandFailure } from '../cli/command-failure';
import type { ApiTarget } from './api-target';

/** How long one call may take before it counts as an API that does not answer. */
const callTimeoutMs = 30_000;

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
}

/** A Fenta error body: `{error: {code, message, details, request_id}}`. */
interface ErrorBody {
  error: { code: string; message: string; details?: unknown; request_id?: string };
}

/**
 * The commands' client of the Fenta API: every call sends the key, and every
 * way it can go wrong becomes the one failure line of the command. An answer
 * with a Fenta error is that error (its code, message and problems); no
 * answer at all is STACK_NOT_RUNNING for the local stack, API_UNREACHABLE
 * for another one.
 */
export class ApiClient {
  constructor(private readonly target: ApiTarget) {}

  /** The absolute URL of an API path (`/v1/jobs`). */
  url(path: string): string {
    return `${this.target.apiUrl}${path}`;
  }

  /**
   * Calls the API and returns its JSON answer, or throws the failure it
   * answered with. With `attempts` > 1 the same request is sent again when
   * no answer came or the API was briefly away (503, 429 after its
   * Retry-After): only for requests that are safe to repeat (a GET, a POST
   * with an Idempotency-Key).
   */
  async call<T>(method: string, path: string, options: CallOptions & { attempts?: number } = {}): Promise<T> {
    const attempts = options.attempts ?? 1;
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= attempts;
      let response: Response;
      try {
        response = await this.send(method, path, options, AbortSignal.timeout(callTimeoutMs));
      } catch (failure) {
        if (last) throw failure;
        await delay(1_000 * attempt);
        continue;
      }
      if (response.ok) return this.json<T>(response);
      const failure = await this.failure(response);
      if (last || (response.status !== 503 && response.status !== 429)) throw failure;
      await delay(retryAfterMs(response) ?? 1_000 * attempt);
    }
  }

  /**
   * A request whose body the caller reads as it comes (an event stream, a
   * download); an answer that is not 2xx is thrown as its failure.
   */
  async open(path: string, headers: Record<string, string>, signal?: AbortSignal): Promise<Response> {
    const response = await this.send('GET', path, { headers }, signal);
    if (!response.ok) throw await this.failure(response);
    return response;
  }

  /** No answer (refused, reset, timed out) as the command's failure. */
  unreachable(reason: string): CommandFailure {
    const { apiUrl, localDataDir } = this.target;
    if (localDataDir !== undefined)
      return CommandFailure.of('STACK_NOT_RUNNING', { dataDir: localDataDir, reason: `its API at ${apiUrl} does not answer: ${reason}` });
    return CommandFailure.of('API_UNREACHABLE', { target: apiUrl, reason }, { fix: 'check FENTA_API_URL, and that the API answers there' });
  }

  private async send(method: string, path: string, options: CallOptions, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.target.apiKey}`, accept: 'application/json', ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await fetch(this.url(path), {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal,
        redirect: 'follow',
      });
    } catch (error) {
      throw this.unreachable(networkReason(error));
    }
  }

  private async json<T>(response: Response): Promise<T> {
    try {
      return (await response.json()) as T;
    } catch (error) {
      throw this.unreachable(`its answer to ${new URL(response.url).pathname} is not JSON (${(error as Error).message})`);
    }
  }

  private async failure(response: Response): Promise<CommandFailure> {
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    if (!isErrorBody(body)) return this.unreachable(`it answered ${response.status} ${response.statusText} without a Fenta error`);
    const { code, message, details, request_id: requestId } = body.error;
    const known = Object.hasOwn(errorCodes, code) ? (code as ErrorCode) : 'INTERNAL';
    const fix = fixForAnswer(known, response.status, requestId, this.target);
    return CommandFailure.fromApi(known, known === code ? message : `${code}: ${message}`, details, fix ? { fix } : {});
  }
}

/** What a command's user does about an API answer whose usual fix (failure-fixes.ts) does not fit a client. */
function fixForAnswer(code: ErrorCode, status: number, requestId: string | undefined, target: ApiTarget): string | undefined {
  if (status === 401) {
    return target.localDataDir !== undefined
      ? `the local stack's key is in ${target.localDataDir}/demo.json; unset FENTA_API_KEY to use it`
      : 'set FENTA_API_KEY to a valid key of that API (./fenta key create makes one)';
  }
  if (status === 403) return 'use a key with that scope, of a member whose role allows it';
  if (status >= 500 && code !== 'DB_UNREACHABLE' && code !== 'REDIS_UNREACHABLE')
    return `the API logged it with request_id ${requestId ?? '(none)'}; see its log`;
  return undefined;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Retry-After in seconds, at most a minute (a command waits, it does not hang). */
function retryAfterMs(response: Response): number | undefined {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 60) * 1_000 : undefined;
}

/** undici says "fetch failed" and puts the reason (ECONNREFUSED 127.0.0.1:8080) in the cause. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { message?: string } }).cause;
  if ((error as Error).name === 'TimeoutError') return `no answer within ${callTimeoutMs / 1000} s`;
  return cause?.message ?? (error as Error).message;
}

function isErrorBody(body: unknown): body is ErrorBody {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return typeof error === 'object' && error !== null && typeof error.code === 'string' && typeof error.message === 'string';
}
