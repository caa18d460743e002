import pg from 'pg';
import { redactUrl, type Logger } from '@fenta/core';
import { databaseUnreachable } from '../database-unreachable';
import { jobEventsChannel } from './job-event.queries';

/** Wakes whoever follows a job when one of its events commits. */
export interface JobEventListener {
  /**
   * Calls `onWake` whenever an event of `jobId` may have committed: at each
   * notification for the job, and after the listening connection came back
   * from a drop (notifications sent meanwhile are lost, so everyone re-reads).
   * Resolves once the listener is listening, so an event committed after
   * that wakes the caller; rejects with DB_UNREACHABLE when it cannot be.
   * Returns the function that unsubscribes.
   */
  subscribe(jobId: string, onWake: () => void): Promise<() => void>;
  /** Stops listening and closes the connection; subscribing afterwards fails. */
  close(): Promise<void>;
}

export interface JobEventListenerOptions {
  url: string;
  logger: Logger;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
  /** First wait before reconnecting a dropped connection; doubles at each failure up to `maxReconnectDelayMs`. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
}

/**
 * One connection that LISTENs on fenta_job_events (00014) for a whole
 * process, shared by every subscriber: a stream costs no connection of its
 * own and nothing polls. The connection opens on the first subscription;
 * when it drops it is opened again with backoff while anyone subscribes, and
 * on the next subscription otherwise.
 */
export function createJobEventListener(options: JobEventListenerOptions): JobEventListener {
  return new SharedJobEventListener(options);
}

class SharedJobEventListener implements JobEventListener {
  private readonly subscribers = new Map<string, Set<() => void>>();
  private readonly target: string;
  private readonly firstDelayMs: number;
  private readonly maxDelayMs: number;
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private delayMs: number;
  private closed = false;

  constructor(private readonly options: JobEventListenerOptions) {
    this.target = redactUrl(options.url);
    this.firstDelayMs = options.reconnectDelayMs ?? 250;
    this.maxDelayMs = options.maxReconnectDelayMs ?? 5_000;
    this.delayMs = this.firstDelayMs;
  }

  async subscribe(jobId: string, onWake: () => void): Promise<() => void> {
    if (this.closed) throw new Error('the job event listener is closed');
    const set = this.subscribers.get(jobId) ?? new Set();
    this.subscribers.set(jobId, set);
    // A wrapper of its own, so the same function subscribed twice is two subscriptions.
    const entry = () => onWake();
    set.add(entry);
    const unsubscribe = () => {
      set.delete(entry);
      if (set.size === 0 && this.subscribers.get(jobId) === set) this.subscribers.delete(jobId);
    };
    try {
      await this.listening();
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.subscribers.clear();
    // A connection still opening sees `closed` and ends itself.
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  /** Resolves when the connection is open and listening, opening it if needed. */
  private listening(): Promise<void> {
    if (this.client) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.url, application_name: this.options.applicationName ?? 'fenta-job-events' });
    client.on('notification', (message) => {
      if (message.channel === jobEventsChannel && message.payload) this.wake(message.payload);
    });
    // 'error' then 'end' when the server drops the session; either one is enough to start over.
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${jobEventsChannel}`);
    } catch (cause) {
      client.removeAllListeners('end');
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
      throw databaseUnreachable(this.target, cause);
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
  }

  private lost(client: pg.Client, error?: Error): void {
    if (client !== this.client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.options.logger.warn({ err: error?.message }, 'lost the connection listening for job events; reconnecting');
    if (this.subscribers.size > 0) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer || this.closed) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.listening().then(
        () => {
          this.delayMs = this.firstDelayMs;
          this.options.logger.info('listening for job events again');
          // Whatever was notified while the connection was down is lost: every follower reads again.
          for (const jobId of [...this.subscribers.keys()]) this.wake(jobId);
        },
        (error: unknown) => {
          this.options.logger.warn({ err: (error as Error).message, retryInMs: this.delayMs }, 'could not listen for job events yet');
          this.delayMs = Math.min(this.delayMs * 2, this.maxDelayMs);
          if (this.subscribers.size > 0) this.scheduleReconnect();
        },
      );
    }, this.delayMs);
    this.reconnectTimer.unref();
  }

  private wake(jobId: string): void {
    for (const onWake of [...(this.subscribers.get(jobId) ?? [])]) {
      try {
        onWake();
      } catch (error) {
        this.options.logger.error({ err: error, jobId }, 'a job event subscriber failed');
      }
    }
  }
}
