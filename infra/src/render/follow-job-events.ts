import { createParser } from 'eventsource-parser';
import { errorCodes } from '@fenta/core';
import { CommandFailure } from '../cli/command-failure';
import type { ApiClient } from './api-client';

/** One event of `GET /v1/jobs/:id/events`, as its JSON data line has it. */
export interface JobEventData {
  job_id: string;
  seq: number;
  type: string;
  created_at: string;
  progress?: number;
  node_id?: string;
  node_type?: string;
  attempt?: number;
  duration_ms?: number;
  error?: { code?: string; message?: string } | null;
  status?: string;
  result?: unknown;
}

const finalTypes = new Set(['job.completed', 'job.failed', 'job.cancelled']);

/** Failures of the connection itself (no answer), and the rate limit: worth reconnecting after. */
const transient = new Set(['STACK_NOT_RUNNING', 'API_UNREACHABLE', 'RATE_LIMITED']);

export interface FollowOptions {
  /** Connections in a row that may fail (refused, dropped before an event) before the command gives up. */
  maxFailedConnects?: number;
  /** Wait before reconnecting when the server did not say (`retry:`). */
  retryMs?: number;
}

/**
 * Follows a job's events until its last one (completed, failed, cancelled),
 * calling `onEvent` for each, in order, once. A stream that breaks (the API
 * restarted, the network dropped) is opened again with `Last-Event-ID`, so
 * nothing is missed or seen twice; the API answering with an error (the job
 * is not there) ends it with that error.
 */
export async function followJobEvents(
  client: ApiClient,
  jobId: string,
  onEvent: (event: JobEventData) => void,
  options: FollowOptions = {},
): Promise<JobEventData> {
  const maxFailedConnects = options.maxFailedConnects ?? 30;
  let retryMs = options.retryMs ?? 2_000;
  let lastId: string | undefined;
  let failedConnects = 0;
  let lastProblem = '';
  for (;;) {
    let final: JobEventData | undefined;
    let received = false;
    const parser = createParser({
      onEvent: (message) => {
        const data = parseData(message.data, jobId);
        if (message.id !== undefined) lastId = message.id;
        received = true;
        onEvent(data);
        if (finalTypes.has(data.type)) final = data;
      },
      onRetry: (ms) => (retryMs = ms),
    });
    try {
      const response = await client.open(`/v1/jobs/${encodeURIComponent(jobId)}/events`, {
        accept: 'text/event-stream',
        ...(lastId !== undefined ? { 'last-event-id': lastId } : {}),
      });
      const decoder = new TextDecoder();
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        parser.feed(decoder.decode(chunk, { stream: true }));
        if (final) return final;
      }
      lastProblem = 'the event stream ended before the job did';
    } catch (error) {
      // An answer of the API that will not change (404, 401) is final; a connection that failed or broke,
      // or an API briefly away (503, 429: retryable codes), is tried again.
      if (error instanceof CommandFailure && !transient.has(error.code) && !errorCodes[error.code].retryable) throw error;
      lastProblem = error instanceof Error ? error.message : String(error);
      if (final) return final;
    }
    failedConnects = received ? 0 : failedConnects + 1;
    if (failedConnects >= maxFailedConnects) throw client.unreachable(`the job's event stream broke ${failedConnects} times in a row (${lastProblem})`);
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
}

function parseData(text: string, jobId: string): JobEventData {
  try {
    const data = JSON.parse(text) as JobEventData;
    if (typeof data.type === 'string' && typeof data.seq === 'number') return data;
  } catch {
    // reported below
  }
  throw new CommandFailure('INTERNAL', `The API sent an event of job ${jobId} that is not a Fenta job event: ${text.slice(0, 200)}`, {});
}
