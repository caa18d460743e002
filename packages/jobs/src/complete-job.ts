import { FentaError } from '@fenta/core';
import {
  type DB,
  enqueueWebhookDeliveries,
  insertRender,
  getRenderOfProfile,
  insertRenderIfAbsent,
  type JobRunKey,
  lockHeldJob,
  markJobCompleted,
  newRenderId,
} from '@fenta/db';
import type { Kysely } from 'kysely';
import { recordedRender, type FinishedOutput, type RecordedRender } from './recorded-render';
import { renderLinks, type RenderLinks } from './render-links';

export type { FinishedOutput, RecordedRender } from './recorded-render';

/**
 * `jobs.result`, as clients read it (and the `render.succeeded` webhook
 * carries): the render of the main output profile and its download routes;
 * for a job that made more than one render (a preview, other profiles),
 * also that render's profile and every render of the job (the preview's,
 * that one, the other profiles').
 */
export interface JobResult extends RenderLinks {
  render_id: string;
  duration: number;
  profile?: string;
  renders?: RecordedRender[];
}

/** What a finished render is: the stored files and what ffprobe measured of its main output, of its other outputs, of its preview. */
export interface FinishedRender extends FinishedOutput {
  storageDriver: string;
  /** The outputs for the node's other profiles, each with its own files. */
  outputs?: FinishedOutput[];
  /** The preview, when one was made; usually recorded already (recordPreviewRender). */
  preview?: FinishedOutput;
}

/**
 * Records a finished job, once, in one transaction: status completed with
 * `jobs.result` (guarded: only the run holding the job may, and only while
 * it is processing, so a cancelled or already completed job stays as it is),
 * then a `renders` row per output profile (unique per job and profile; the
 * preview's only if recordPreviewRender has not written it) and the
 * `render.succeeded` webhook deliveries. A run that lost the job gets
 * JOB_LEASE_LOST and nothing is written.
 * Completion settles the job's quota reservation: a reservation is held only
 * while its job is unfinished (00013), and the usage is counted already.
 * The result holds the API's download routes under `publicUrl`
 * (FENTA_PUBLIC_URL); storage keys stay in the renders rows.
 */
export async function completeJob(db: Kysely<DB>, run: JobRunKey, render: FinishedRender, options: { publicUrl: string }): Promise<JobResult> {
  return db.transaction().execute(async (trx) => {
    if (!(await lockHeldJob(trx, run))) throw new FentaError('JOB_LEASE_LOST', { job: run.jobId });
    const record = async (output: FinishedOutput) => recordedRender(output, await newRenderId(trx), run.jobId, render.storageDriver, options.publicUrl);
    const renders: RecordedRender[] = [];
    // A preview is recorded while the run goes on; written here only when that did not happen, before the job's end so its event comes first.
    if (render.preview) {
      const preview = await record(render.preview);
      if (await insertRenderIfAbsent(trx, preview.row)) await enqueuePreviewReady(trx, run, preview.view);
      const stored = await getRenderOfProfile(trx, run.jobId, render.preview.profile);
      renders.push({ ...preview.view, render_id: stored.id, ...renderLinks(options.publicUrl, stored.id) });
    }
    const outputs = [render, ...(render.outputs ?? [])];
    for (const output of outputs) {
      const made = await record(output);
      await insertRender(trx, made.row);
      renders.push(made.view);
    }
    const { profile, ...main } = renders[render.preview ? 1 : 0]!;
    // A job of one render keeps the result it always had.
    const result: JobResult = renders.length > 1 ? { ...main, profile, renders } : main;
    if (!(await markJobCompleted(trx, run, result))) throw new FentaError('JOB_LEASE_LOST', { job: run.jobId });
    await enqueueWebhookDeliveries(trx, run.orgId, 'render.succeeded', { event: 'render.succeeded', job_id: run.jobId, org_id: run.orgId, result });
    return result;
  });
}

/**
 * Records the preview of a running job, at most once: its `renders` row (the
 * trigger of 00023 appends the job's `render.preview_ready` event) and the
 * `render.preview_ready` webhook deliveries, in one transaction, while the
 * run still holds the job (JOB_LEASE_LOST otherwise, and nothing is
 * written). A preview the job has already (a retried node made it again)
 * is not recorded or announced twice: undefined then.
 */
export async function recordPreviewRender(
  db: Kysely<DB>,
  run: JobRunKey,
  preview: FinishedOutput & { storageDriver: string },
  options: { publicUrl: string },
): Promise<RecordedRender | undefined> {
  return db.transaction().execute(async (trx) => {
    if (!(await lockHeldJob(trx, run))) throw new FentaError('JOB_LEASE_LOST', { job: run.jobId });
    const made = recordedRender(preview, await newRenderId(trx), run.jobId, preview.storageDriver, options.publicUrl);
    if (!(await insertRenderIfAbsent(trx, made.row))) return undefined;
    await enqueuePreviewReady(trx, run, made.view);
    return made.view;
  });
}

async function enqueuePreviewReady(db: Kysely<DB>, run: JobRunKey, render: RecordedRender): Promise<void> {
  await enqueueWebhookDeliveries(db, run.orgId, 'render.preview_ready', { event: 'render.preview_ready', job_id: run.jobId, org_id: run.orgId, render });
}
