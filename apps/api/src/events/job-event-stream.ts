import { PassThrough } from 'node:stream';
import type { JobEvent } from '@fenta/db';

/** One read of a job's history: the events after the cursor (a page of them), whether a next page follows, and whether the job has nothing more to tell. */
export interface EventBatch {
  events: JobEvent[];
  more: boolean;
  finished: boolean;
}

export interface JobEventStreamOptions {
  /** The seq of the last event the client has (Last-Event-ID), 0 for none. */
  after: number;
  /** Reads the events after `after`; `finished` when the job has ended and this page holds its last event. */
  read: (after: number) => Promise<EventBatch>;
  heartbeatMs: number;
  logger: { warn: (details: object, message: string) => void };
  /** Called once when the stream is over, whoever ended it. */
  onEnd: () => void;
}

/** How long a client waits before reconnecting (the SSE `retry` field), in ms. */
const clientRetryMs = 2_000;

/**
 * The Server-Sent Events body of one follower of one job. Every event goes
 * out as `id: <seq>`, `event: <type>`, `data: <one JSON line>`; `wake()`
 * (a notification, or the listener's reconnect) reads what committed since
 * the last one sent, one read at a time, so events leave in order, each
 * once. The stream ends after the job's last event, when the client goes,
 * or when a read fails (the client reconnects with Last-Event-ID and loses
 * nothing). A comment every `heartbeatMs` keeps proxies from closing an idle
 * connection.
 */
export class JobEventStream {
  readonly body = new PassThrough();
  private cursor: number;
  private started = false;
  private reading = false;
  private again = false;
  private ended = false;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly options: JobEventStreamOptions) {
    this.cursor = options.after;
    this.body.write(`retry: ${clientRetryMs}\n\n`);
    this.heartbeat = setInterval(() => this.write(': heartbeat\n\n'), options.heartbeatMs);
    this.heartbeat.unref();
  }

  /**
   * Starts with a first batch the caller read before answering (so that a
   * failure could still be a coded error). Wakes that came before it were
   * kept and are acted on now.
   */
  begin(batch: EventBatch): void {
    this.started = true;
    this.send(batch);
    if (batch.finished) return this.end();
    if (batch.more || this.again) {
      this.again = false;
      void this.pump();
    }
  }

  /** Something may have committed: read and send it (now, or right after the read in progress). */
  wake(): void {
    if (this.ended) return;
    if (!this.started || this.reading) {
      this.again = true;
      return;
    }
    void this.pump();
  }

  /** Ends the stream (the client left, the server is closing); idempotent. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.heartbeat);
    this.body.end();
    this.options.onEnd();
  }

  private async pump(): Promise<void> {
    this.reading = true;
    try {
      do {
        this.again = false;
        const batch = await this.options.read(this.cursor);
        if (this.ended) return;
        this.send(batch);
        if (batch.finished) return this.end();
        if (batch.more) this.again = true;
      } while (this.again && !this.ended);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not read job events; ending the stream (the client resumes with Last-Event-ID)');
      this.end();
    } finally {
      this.reading = false;
    }
  }

  private send(batch: EventBatch): void {
    for (const event of batch.events) {
      // Never back: a page read concurrently with an earlier one cannot repeat what was sent.
      if (event.seq <= this.cursor) continue;
      this.write(formatEvent(event));
      this.cursor = event.seq;
    }
  }

  private write(chunk: string): void {
    if (!this.ended) this.body.write(chunk);
  }
}

/** One event as SSE: its seq as the id, its type as the event name, and one line of JSON (JSON never holds a raw newline). */
export function formatEvent(event: JobEvent): string {
  const data = { ...(event.data as object), job_id: event.job_id, seq: event.seq, type: event.type, created_at: event.created_at.toISOString() };
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(data)}\n\n`;
}
