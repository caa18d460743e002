/**
 * When each attempt of a delivery is made, counted from the previous
 * attempt: the first at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and
 * 10 h later (eight attempts over about 28 hours), as the README publishes.
 */
export const webhookRetryDelaysMs: readonly number[] = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

/** The longest wait a receiver's Retry-After can ask for; a longer one is cut to this. */
export const maxRetryAfterMs = 36_000_000;

/**
 * How long after a failed attempt the next one is due, or undefined when
 * `attemptsMade` attempts were the last (the delivery is given up). A
 * Retry-After the receiver sent (429, 503) is honoured when it asks for more
 * than the schedule does, up to maxRetryAfterMs; the schedule is never cut short.
 */
export function nextAttemptDelayMs(attemptsMade: number, retryAfterMs?: number): number | undefined {
  const scheduled = webhookRetryDelaysMs[attemptsMade];
  if (scheduled === undefined) return undefined;
  if (retryAfterMs === undefined) return scheduled;
  return Math.max(scheduled, Math.min(retryAfterMs, maxRetryAfterMs));
}
