/** A reading of a dependency: its value, or that it did not answer in time (or failed). */
export type Reading<T> = { ok: true; value: T } | { ok: false };

/**
 * A value read from PostgreSQL or Redis for /metrics, reused for `ttlMs`
 * so scrapes do not hammer the source, and waited for at most `timeoutMs`
 * so an outage makes the scrape answer at once without it. One read at a
 * time: a scrape during a slow read waits on that read instead of starting
 * another, so a hung source holds one connection attempt, never one per
 * scrape. A failure is remembered for `ttlMs` too.
 */
export class CachedReading<T> {
  private last: { at: number; reading: Reading<T> } | undefined;
  private inFlight: Promise<Reading<T>> | undefined;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly options: { ttlMs: number; timeoutMs: number; now?: () => number },
  ) {}

  async get(): Promise<Reading<T>> {
    const now = this.options.now?.() ?? Date.now();
    if (this.last && now - this.last.at < this.options.ttlMs) return this.last.reading;
    this.inFlight ??= this.refresh();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<Reading<T>>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false }), this.options.timeoutMs);
    });
    try {
      return await Promise.race([this.inFlight, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async refresh(): Promise<Reading<T>> {
    let reading: Reading<T>;
    try {
      reading = { ok: true, value: await this.read() };
    } catch {
      reading = { ok: false };
    }
    this.last = { at: this.options.now?.() ?? Date.now(), reading };
    this.inFlight = undefined;
    return reading;
  }
}
