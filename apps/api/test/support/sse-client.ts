import http, { type IncomingHttpHeaders } from 'node:http';

/** One Server-Sent Event as a browser's EventSource would dispatch it. */
export interface SseEvent {
  id: string | undefined;
  event: string;
  data: string;
}

/** A stream opened with a real HTTP request (inject collects whole bodies, so it cannot follow one). */
export interface SseConnection {
  status: number;
  headers: IncomingHttpHeaders;
  /** The events received so far, in order. */
  events: SseEvent[];
  /** The comment lines received so far (heartbeats), without the colon. */
  comments: string[];
  /** The raw body, for an answer that is not a stream (a JSON error). */
  text(): string;
  /** Resolves once `predicate` holds for the events received (checked at each one); rejects if the stream ends first. */
  until(predicate: (events: SseEvent[]) => boolean, what: string): Promise<SseEvent[]>;
  /** Resolves when a comment arrives. */
  nextComment(): Promise<string>;
  /** Resolves when the server ends the response. */
  ended: Promise<void>;
  close(): void;
}

/**
 * GETs `url` and parses the body as it arrives, by the SSE rules: `field:
 * value` lines (one optional space after the colon), comments starting with
 * `:`, an event dispatched at each blank line, `event` defaulting to
 * `message`, and the last `id` carried over, as EventSource does.
 */
export function openEventStream(url: string, headers: Record<string, string>): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) => {
      response.setEncoding('utf8');
      // A stream the test closes itself ends with an abort; `ended` says so, nothing else needs to.
      response.on('error', () => undefined);
      const events: SseEvent[] = [];
      const comments: string[] = [];
      const checks: Array<() => void> = [];
      let raw = '';
      let pending = '';
      let lastId: string | undefined;
      let fields: { event?: string; data: string[] } = { data: [] };
      let done = false;
      const ended = new Promise<void>((end) => {
        response.once('end', end);
        response.once('close', end);
      }).then(() => {
        done = true;
        for (const check of [...checks]) check();
      });
      const line = (text: string) => {
        if (text === '') {
          if (fields.data.length > 0) events.push({ id: lastId, event: fields.event ?? 'message', data: fields.data.join('\n') });
          fields = { data: [] };
          return;
        }
        if (text.startsWith(':')) return void comments.push(text.slice(1).trim());
        const colon = text.indexOf(':');
        const name = colon < 0 ? text : text.slice(0, colon);
        const value = colon < 0 ? '' : text.slice(colon + 1).replace(/^ /, '');
        if (name === 'data') fields.data.push(value);
        else if (name === 'event') fields.event = value;
        else if (name === 'id') lastId = value;
      };
      response.on('data', (chunk: string) => {
        raw += chunk;
        pending += chunk;
        const lines = pending.split(/\r\n|\r|\n/);
        pending = lines.pop()!;
        for (const text of lines) line(text);
        for (const check of [...checks]) check();
      });
      resolve({
        status: response.statusCode ?? 0,
        headers: response.headers,
        events,
        comments,
        text: () => raw,
        until(predicate, what) {
          return new Promise((found, fail) => {
            const check = () => {
              if (predicate(events)) {
                checks.splice(checks.indexOf(check), 1);
                found(events);
              } else if (done) {
                checks.splice(checks.indexOf(check), 1);
                fail(new Error(`the stream ended before ${what}; it sent: ${events.map((event) => `${event.id} ${event.event}`).join(', ')}`));
              }
            };
            checks.push(check);
            check();
          });
        },
        nextComment() {
          const seen = comments.length;
          return new Promise((found, fail) => {
            const check = () => {
              if (comments.length > seen) {
                checks.splice(checks.indexOf(check), 1);
                found(comments[seen]!);
              } else if (done) {
                checks.splice(checks.indexOf(check), 1);
                fail(new Error('the stream ended before a comment'));
              }
            };
            checks.push(check);
          });
        },
        ended,
        close: () => request.destroy(),
      });
    });
    request.on('error', reject);
  });
}

/** An event's data, parsed. */
export function dataOf(event: SseEvent): Record<string, any> {
  return JSON.parse(event.data) as Record<string, any>;
}

/** A job's events as job_events holds them, in the form the stream sends them (id, event, data). */
export async function storedEvents(
  database: { query<T>(text: string, params?: unknown[]): Promise<T[]> },
  jobId: string,
): Promise<Array<{ id: string; event: string; data: Record<string, unknown> }>> {
  const rows = await database.query<{ seq: number; type: string; data: Record<string, unknown>; created_at: Date }>(
    `SELECT seq, type, data, created_at FROM job_events WHERE job_id = $1 ORDER BY seq`,
    [jobId],
  );
  return rows.map((row) => ({
    id: String(row.seq),
    event: row.type,
    data: { ...row.data, job_id: jobId, seq: row.seq, type: row.type, created_at: row.created_at.toISOString() },
  }));
}
