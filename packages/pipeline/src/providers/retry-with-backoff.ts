import { setTimeout as delay } from 'node:timers/promises';

/** How `retryWithBackoff` retries. */
export interface RetryWithBackoffOptions {
  /** Total tries, the first included (1 = no retry). */
  attempts: number;
  /** Delay before the first retry; doubles per retry, with jitter. */
  baseMs: number;
  /** Aborting stops waiting at once and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Only failures this accepts are retried (429, 5xx, timeouts); bad input fails at once. */
  isTransient(error: unknown): boolean;
  /**
   * A wait the failure itself asks for (a `Retry-After` header), in ms. It
   * replaces the backoff when longer; when it exceeds `maxDelayMs` there is
   * no point waiting inside this job, so the failure is thrown at once.
   */
  delayHintMs?(error: unknown): number | undefined;
  /** Upper bound of any single wait; 30 s unless told. */
  maxDelayMs?: number;
}

/** Runs `fn` until it succeeds, a failure is not transient, or the attempts are spent (then the last failure is thrown). */
export async function retryWithBackoff<T>(fn: (attempt: number) => Promise<T>, options: RetryWithBackoffOptions): Promise<T> {
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  for (let attempt = 1; ; attempt += 1) {
    options.signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= options.attempts || !options.isTransient(error) || options.signal?.aborted) throw error;
      const hint = options.delayHintMs?.(error);
      if (hint !== undefined && hint > maxDelayMs) throw error;
      // Equal jitter: half the exponential delay is fixed, half random, so
      // workers that failed together do not retry in lockstep.
      const exponential = Math.min(maxDelayMs, options.baseMs * 2 ** (attempt - 1));
      const backoff = exponential / 2 + Math.random() * (exponential / 2);
      await wait(Math.max(backoff, hint ?? 0), options.signal);
    }
  }
}

async function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    throw signal?.aborted ? signal.reason : error;
  }
}
