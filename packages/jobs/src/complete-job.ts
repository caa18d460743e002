import { FentaError } from '@fenta/core';
import { type DB, enqueueWebhookDeliveries, insertRender, type JobRunKey, markJobCompleted, newRenderId } from '@fenta/db';
import type { Kysely } from 'kysely';
import { renderLinks, type RenderLinks } from './render-links';

/** `jobs.result`, as clients read it (and the `render.succeeded` webhook carries): the render and its download routes. */
export interface JobResult extends RenderLinks {
  render_id: string;
  duration: number;
}

/** What a finished render is: its stored files and what ffprobe measured. */
export interface FinishedRender {
  video: { key: string; bytes: number };
  thumbnail: { key: string };
  srt: { key: string };
  durationSeconds: number;
  width: number;
  height: number;
  fps: number;
  videoCodec: string;
  audioCodec: string;
  bitrateKbps: number;
  profile: string;
  storageDriver: string;
}

/**
 * Records a finished job, once, in one transaction: status completed with
 * `jobs.result` (guarded: only the run holding the job may, and only while
 * it is processing, so a cancelled or already completed job stays as it is),
 * then the `renders` row (unique per job) and the `render.succeeded` webhook
 * deliveries. A run that lost the job gets JOB_LEASE_LOST and nothing is written.
 * Completion settles the job's quota reservation: a reservation is held only
 * while its job is unfinished (00013), and the usage is counted already.
 * The result holds the API's download routes under `publicUrl`
 * (FENTA_PUBLIC_URL); storage keys stay in the renders row.
 */
export async function completeJob(db: Kysely<DB>, run: JobRunKey, render: FinishedRender, options: { publicUrl: string }): Promise<JobResult> {
  return db.transaction().execute(async (trx) => {
    const renderId = await newRenderId(trx);
    const links = renderLinks(options.publicUrl, renderId);
    const result: JobResult = { render_id: renderId, ...links, duration: render.durationSeconds };
    if (!(await markJobCompleted(trx, run, result))) throw new FentaError('JOB_LEASE_LOST', { job: run.jobId });
    await insertRender(trx, {
      id: renderId,
      jobId: run.jobId,
      video: { key: render.video.key, url: links.video_url, bytes: render.video.bytes },
      thumbnail: { key: render.thumbnail.key, url: links.thumbnail_url },
      srt: { key: render.srt.key, url: links.srt_url },
      durationSeconds: render.durationSeconds,
      width: render.width,
      height: render.height,
      fps: render.fps,
      codec: render.videoCodec,
      bitrateKbps: render.bitrateKbps,
      metadata: { profile: render.profile, audio_codec: render.audioCodec, storage_driver: render.storageDriver },
    });
    await enqueueWebhookDeliveries(trx, run.orgId, 'render.succeeded', { event: 'render.succeeded', job_id: run.jobId, org_id: run.orgId, result });
    return result;
  });
}
