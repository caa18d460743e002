import { randomUUID } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import { access, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { CommandFailure } from '../cli/command-failure';
import { parseCommandArgs } from '../cli/parse-command-args';
import { ApiClient } from './api-client';
import { readApiTarget } from './api-target';
import { followJobEvents, type JobEventData } from './follow-job-events';
import { jobFailure, type JobLogLine } from './job-failure';
import { ProgressBar } from './progress-bar';
import { parseVariableArgs, readGraphFile } from './read-graph-file';

const usage = './fenta render <workflow.json> [--var key=value ...] [--out video.mp4]';

/** What `POST /v1/jobs` and `GET /v1/jobs/:id` answer, as far as this command reads it. */
interface JobAnswer {
  job: { id: string; status: string; result: RenderResult | null };
}

interface RenderResult {
  render_id: string;
  video_url: string;
  thumbnail_url: string | null;
  srt_url: string | null;
  vtt_url: string | null;
  duration: number;
}

/** Times a job's creation is sent again (same Idempotency-Key) when the API did not answer or was briefly away. */
const createAttempts = 3;

/**
 * `./fenta render <graph.json>`: a client of the API. It creates the job
 * (`POST /v1/jobs` with an Idempotency-Key, so a retried request never makes
 * two), follows it over Server-Sent Events with a progress bar on a terminal
 * and plain lines otherwise, and prints the render's download URLs (`--out`
 * saves the MP4). Ctrl-C cancels the job; a second Ctrl-C leaves at once.
 */
export async function runRender(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    usage,
    options: { var: { type: 'string', multiple: true }, out: { type: 'string' } },
    positionals: { min: 1, max: 1, name: 'one workflow file' },
  });
  const file = positionals[0]!;
  const given = parseVariableArgs(values.var ?? [], usage);
  const out = values.out === undefined ? undefined : path.resolve(values.out);
  if (out !== undefined && !out.toLowerCase().endsWith('.mp4'))
    throw CommandFailure.of('CLI_USAGE', { reason: `--out names the MP4 to write; "${values.out}" does not end in .mp4` }, { fix: `run ${usage}` });
  if (out !== undefined) await assertWritable(out);
  const { graph, variables } = await readGraphFile(file);
  const client = new ApiClient(await readApiTarget());

  const { job } = await createJob(client, { graph, variables: { ...variables, ...given } }).catch((error: unknown) => {
    throw aboutFile(error, file);
  });
  const bar = new ProgressBar();
  let cancelling = false;
  const onSignal = () => {
    if (cancelling) process.exit(130);
    cancelling = true;
    bar.note('cancelling… (Ctrl-C again leaves without waiting)');
    client.call('POST', `/v1/jobs/${encodeURIComponent(job.id)}/cancel`).catch((error: unknown) => {
      // Already finished: its last event is on its way.
      if (!(error instanceof CommandFailure && error.code === 'JOB_ALREADY_FINISHED')) bar.note(`could not cancel: ${(error as Error).message}`);
    });
  };
  process.on('SIGINT', onSignal);
  // Said once Ctrl-C is handled: a Ctrl-C sent on seeing this line cancels the job rather than killing the command.
  process.stderr.write(`job ${job.id} queued\n`);
  let final: JobEventData;
  try {
    final = await followJobEvents(client, job.id, (event) => showEvent(bar, event));
  } finally {
    process.off('SIGINT', onSignal);
    bar.done();
  }

  if (final.type !== 'job.completed') {
    // The job's own failure is the story; a log that cannot be read now only shortens it.
    const lines = await lastLogLines(client, job.id).catch(() => []);
    throw jobFailure(job.id, final, lines, file);
  }
  const result = (await client.call<JobAnswer>('GET', `/v1/jobs/${encodeURIComponent(job.id)}`)).job.result;
  if (!result) throw new CommandFailure('INTERNAL', `Job ${job.id} completed without a result`, {}, { file });
  if (out !== undefined) await download(client, result.render_id, out);
  process.stdout.write(
    [
      `video      ${out ?? result.video_url}`,
      `thumbnail  ${result.thumbnail_url ?? '(none)'}`,
      `captions   ${result.srt_url ?? '(none)'}`,
      `duration   ${result.duration.toFixed(2)} s`,
      `render     ${result.render_id}`,
      '',
    ].join('\n'),
  );
  return 0;
}

/** What the API found wrong in the workflow the file holds, as a failure that names the file. */
function aboutFile(error: unknown, file: string): unknown {
  if (!(error instanceof CommandFailure) || error.context.file) return error;
  const aboutContent =
    error.code.startsWith('GRAPH_') ||
    ['NODE_PARAM_INVALID', 'REQUEST_INVALID', 'TEMPLATE_NOT_FOUND', 'TEMPLATE_SPEC_INVALID', 'WORKFLOW_NOT_FOUND'].includes(error.code);
  return aboutContent ? new CommandFailure(error.code, error.message, error.params, { ...error.context, file }) : error;
}

/** POST /v1/jobs with an Idempotency-Key of this run, so sending it again never makes a second job. */
function createJob(client: ApiClient, body: { graph: unknown; variables: Record<string, unknown> }): Promise<JobAnswer> {
  return client.call<JobAnswer>('POST', '/v1/jobs', { body, headers: { 'idempotency-key': `fenta-render-${randomUUID()}` }, attempts: createAttempts });
}

/** A job event on the progress bar (a terminal) or as a line (a log). */
function showEvent(bar: ProgressBar, event: JobEventData): void {
  const node = `${event.node_id ?? '?'} ${event.node_type ?? ''}`.trim();
  switch (event.type) {
    case 'progress':
      return bar.update(event.progress ?? 0);
    case 'node.started':
      return bar.step(`${node}${event.attempt !== undefined && event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`);
    case 'node.finished':
      return bar.note(`${node} done${event.duration_ms !== undefined ? ` in ${(event.duration_ms / 1000).toFixed(1)} s` : ''}`);
    case 'node.failed':
      return bar.note(`${node} failed: ${event.error?.code ?? ''} ${event.error?.message ?? ''}`.trim());
    case 'job.requeued':
      return bar.note(`the job went back to the queue${event.error?.message ? ` (${event.error.message})` : ''}; it will resume`);
    case 'job.completed':
      return bar.update(100);
    default:
      return undefined;
  }
}

/** The job's last eight log lines (the log is served oldest first, a page at a time). */
async function lastLogLines(client: ApiClient, jobId: string): Promise<JobLogLine[]> {
  const lines: JobLogLine[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const page: { data: JobLogLine[]; next_cursor: string | null } = await client.call('GET', `/v1/jobs/${encodeURIComponent(jobId)}/logs?limit=100${query}`);
    lines.push(...page.data);
    lines.splice(0, Math.max(0, lines.length - 8));
    cursor = page.next_cursor;
  } while (cursor !== null);
  return lines;
}

/** Saves the video beside its final name and renames it there, so a broken download never looks like a video. */
async function download(client: ApiClient, renderId: string, file: string): Promise<void> {
  const response = await client.open(`/v1/renders/${encodeURIComponent(renderId)}/video`, { accept: 'video/mp4' });
  const partial = `${file}.part`;
  try {
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), createWriteStream(partial));
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined && /^E[A-Z]+$/.test(code) && (error as NodeJS.ErrnoException).syscall !== undefined)
      throw CommandFailure.of('CLI_FILE_UNWRITABLE', { reason: (error as Error).message }, { file, fix: 'name a file in a folder you can write' });
    throw client.unreachable(`the video download broke: ${(error as Error).message}`);
  }
}

/** Fails before the render when `--out` names a place the video cannot be written. */
async function assertWritable(file: string): Promise<void> {
  try {
    await access(path.dirname(file), constants.W_OK);
  } catch (error) {
    throw CommandFailure.of(
      'CLI_FILE_UNWRITABLE',
      { reason: `its folder ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'is not writable'}` },
      { file, fix: 'name a file in a folder you can write' },
    );
  }
}
