/**
 * How long a 429 answer asks the caller to wait, in ms: `Retry-After`
 * (seconds or an HTTP date), else `X-Ratelimit-Reset`, which Pexels sends as
 * the UNIX time the quota resets and Pixabay as seconds until then.
 */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = headers.get('x-ratelimit-reset')?.trim();
  if (reset && /^\d+$/.test(reset)) {
    const value = Number(reset);
    // Anything past 2001-09-09 in seconds is a timestamp, not a duration.
    return value > 1_000_000_000 ? Math.max(0, value * 1000 - now) : value * 1000;
  }
  return undefined;
}
