import path from 'node:path';
import { createLogger, isFentaError } from '@fenta/core';
import { createDatabase, getJob, getJobRender, listJobLogs, requestJobCancel } from '@fenta/db';
import { builtInNodeDefinitionRegistry } from '@fenta/graph';
import { createJob } from '@fenta/jobs';
import { createRenderQueue, createRenderQueueEvents } from '@fenta/queue';
import { createStorage, readStorageConfig } from '@fenta/storage';
import { CommandFailure } from '../cli/command-failure';
import { parseCommandArgs } from '../cli/parse-command-args';
import { readUpEnv } from '../up/up-env';
import { findRunningStack } from './find-running-stack';
import { jobFailure } from './job-failure';
import { ProgressBar } from './progress-bar';
import { parseVariableArgs, readGraphFile } from './read-graph-file';

const usage = './fenta render <workflow.json> [--var key=value ...]';

/**
 * `./fenta render <graph.json>`: runs a workflow file through the running
 * stack (the same createJob path as the API), shows a progress bar, and
 * prints where the video, thumbnail and captions are. Ctrl-C cancels the job.
 */
export async function runRender(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    usage,
    options: { var: { type: 'string', multiple: true } },
    positionals: { min: 1, max: 1, name: 'one workflow file' },
  });
  const file = positionals[0]!;
  const given = parseVariableArgs(values.var ?? [], usage);
  const { graph, variables } = await readGraphFile(file);
  const stack = await findRunningStack(readUpEnv().dataDir);
  const logger = createLogger({ service: 'render', level: 'warn' });
  const db = createDatabase({ url: stack.databaseUrl, poolSize: 2, applicationName: 'fenta-render' });
  const queue = createRenderQueue({ connection: { url: stack.redisUrl } });
  const events = createRenderQueueEvents({ connection: { url: stack.redisUrl } });
  const storage = createStorage(readStorageConfig({ ...process.env, FENTA_STORAGE_DIR: stack.storageDir }, { localRoot: stack.storageDir }));
  const bar = new ProgressBar();
  // Without listeners BullMQ prints every failed reconnect with its stack; one line per outage is enough.
  let redisLost = false;
  const onRedisError = () => {
    if (!redisLost) process.stderr.write('\nlost the connection to Redis; waiting for it to come back (Ctrl-C to stop)\n');
    redisLost = true;
  };
  queue.on('error', onRedisError);
  events.on('error', onRedisError);
  try {
    await events.waitUntilReady();
    const { job } = await createJob(
      { db, queue, registry: builtInNodeDefinitionRegistry, logger },
      { orgId: stack.orgId, createdBy: stack.userId, graph, variables: { ...variables, ...given } },
    );
    process.stderr.write(`job ${job.id} queued\n`);
    const ended = new Promise<void>((resolve) => {
      events.on('progress', ({ jobId, data }) => {
        if (jobId === job.id && typeof data === 'number') bar.update(data, 'rendering');
      });
      events.on('completed', ({ jobId }) => jobId === job.id && resolve());
      events.on('failed', ({ jobId }) => jobId === job.id && resolve());
    });
    const onSignal = () => {
      process.stderr.write('\ncancelling…\n');
      void requestJobCancel(db, stack.orgId, job.id);
    };
    process.once('SIGINT', onSignal);
    // The job may have ended before we listened (an idempotent re-run): Postgres says.
    const settled = await getJob(db, job.id);
    if (settled?.status === 'queued' || settled?.status === 'processing') await ended;
    process.off('SIGINT', onSignal);
    bar.done();

    const row = await getJob(db, job.id);
    if (row?.status !== 'completed') throw jobFailure(job.id, row, (await listJobLogs(db, job.id)).slice(-8), file);
    // jobs.result links to the API; on this machine the files themselves are at hand, so say where they are.
    const render = await getJobRender(db, stack.orgId, job.id);
    if (!render) throw new Error(`job ${job.id} completed without a render`);
    const where = async (key: string | null) => {
      if (!key) return '(not stored)';
      const local = storage.localPath(key);
      return local ? path.relative(process.cwd(), local) || local : storage.downloadUrl(key);
    };
    process.stdout.write(
      `video      ${await where(render.video_storage_path)}\nthumbnail  ${await where(render.thumbnail_storage_path)}\ncaptions   ${await where(render.srt_storage_path)}\nduration   ${Number(render.duration_seconds).toFixed(2)} s\n`,
    );
    return 0;
  } catch (error) {
    bar.done();
    // main.ts prints the one line; a template the graph names but the org lacks is about this file.
    throw isFentaError(error) ? CommandFailure.from(error, { file }) : error;
  } finally {
    await events.close();
    await queue.close();
    await db.destroy();
  }
}
