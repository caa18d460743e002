/**
 * The renders a worker runs at once, whichever jobs they belong to. One
 * ffmpeg render keeps every core busy, so two at once only make both
 * slower; a worker that holds more jobs than it has slots prepares the next
 * job's footage, script and voice (network calls, a little CPU) while one
 * renders, and its renders follow one another. Waiters are served in the
 * order they came.
 */
export class RenderSlots {
  private free: number;
  private readonly waiting: Array<{ grant: () => void }> = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`render slots must be a whole number of at least 1, got ${size}`);
    this.free = size;
  }

  /** Renders waiting for a slot now. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Whether a render asking now would wait. */
  get busy(): boolean {
    return this.free === 0;
  }

  /**
   * Resolves with the release of a slot once one is free; rejects with the
   * signal's reason if it aborts first (the wait is then given up). Release
   * once, when the render has settled.
   */
  acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.free > 0) {
      this.free -= 1;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          resolve(this.releaser());
        },
      };
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // A freed slot goes straight to the first waiter, so no later caller can take it in between.
      const next = this.waiting.shift();
      if (next) next.grant();
      else this.free += 1;
    };
  }
}
