import path from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger, isFentaError } from '@fenta/core';
import { createDatabase, getJob, listJobLogs, requestJobCancel } from '@fenta/db';
import { builtInNodeDefinitionRegistry } from '@fenta/graph';
import { createJob } from '@fenta/jobs';
import { createRenderQueue, createRenderQueueEvents } from '@fenta/queue';
import { createStorage, readStorageConfig } from '@fenta/storage';
import { readUpEnv } from '../up/up-env';
import { readStackFile } from '../up/stack-file';
import { ProgressBar } from './progress-bar';
import { parseVariableArgs, readGraphFile } from './read-graph-file';

const usage = 'usage: ./fenta render <workflow.json> [--var key=value ...]';

/**
 * `./fenta render <graph.json>`: runs a workflow file through the running
 * stack (the same createJob path as the API), shows a progress bar, and
 * prints where the video, thumbnail and captions are. Ctrl-C cancels the job.
 */
export async function runRender(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { var: { type: 'string', multiple: true } } });
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const { graph, variables } = await readGraphFile(file);
  const stack = await readStackFile(readUpEnv().dataDir);
  const logger = createLogger({ service: 'render', level: 'warn' });
  const db = createDatabase({ url: stack.databaseUrl, poolSize: 2, applicationName: 'fenta-render' });
  const queue = createRenderQueue({ connection: { url: stack.redisUrl } });
  const events = createRenderQueueEvents({ connection: { url: stack.redisUrl } });
  const storage = createStorage(readStorageConfig({ ...process.env, FENTA_STORAGE_DIR: stack.storageDir }, { localRoot: stack.storageDir }));
  const bar = new ProgressBar();
  try {
    await events.waitUntilReady();
    const { job } = await createJob(
      { db, queue, registry: builtInNodeDefinitionRegistry, logger },
      { orgId: stack.orgId, createdBy: stack.userId, graph, variables: { ...variables, ...parseVariableArgs(values.var ?? []) } },
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
    if (row?.status !== 'completed') {
      const lastLogs = (await listJobLogs(db, job.id)).slice(-8);
      process.stderr.write(`job ${job.id} ${row?.status ?? 'vanished'}: ${JSON.stringify(row?.error)}\n`);
      for (const line of lastLogs) process.stderr.write(`  [${line.stage ?? '-'}] ${line.level}: ${line.message}\n`);
      return 1;
    }
    const result = row.result as { video_key: string; thumbnail_key: string; srt_key: string; duration: number };
    const where = async (key: string) => {
      const local = storage.localPath(key);
      return local ? path.relative(process.cwd(), local) || local : storage.downloadUrl(key);
    };
    process.stdout.write(
      `video      ${await where(result.video_key)}\nthumbnail  ${await where(result.thumbnail_key)}\ncaptions   ${await where(result.srt_key)}\nduration   ${result.duration.toFixed(2)} s\n`,
    );
    return 0;
  } catch (error) {
    bar.done();
    if (isFentaError(error)) {
      process.stderr.write(`${error.code}: ${error.message}\n`);
      const problems = (error.details as { problems?: Array<{ path: string; message: string }> } | undefined)?.problems;
      for (const problem of problems ?? []) process.stderr.write(`  ${problem.path}: ${problem.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await events.close();
    await queue.close();
    await db.destroy();
  }
}
