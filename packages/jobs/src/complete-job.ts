import { FentaError } from '@fenta/core';
import { markJobCompleted, type DB, type JobRunKey } from '@fenta/db';
import type { Kysely } from 'kysely';
import { enqueueWebhookDeliveries } from './webhook-outbox';

/** `jobs.result`, as clients read it. */
export interface JobResult {
  video_url: string;
  thumbnail_url: string;
  srt_url: string;
  duration: number;
  video_key: string;
  thumbnail_key: string;
  srt_key: string;
}

/** What a finished render is: its stored files, where to download them, and what ffprobe measured. */
export interface FinishedRender {
  video: { key: string; bytes: number };
  thumbnail: { key: string };
  srt: { key: string };
  urls: { video: string; thumbnail: string; srt: string };
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
 */
export async function completeJob(db: Kysely<DB>, run: JobRunKey, render: FinishedRender): Promise<JobResult> {
  const result: JobResult = {
    video_url: render.urls.video,
    thumbnail_url: render.urls.thumbnail,
    srt_url: render.urls.srt,
    duration: render.durationSeconds,
    video_key: render.video.key,
    thumbnail_key: render.thumbnail.key,
    srt_key: render.srt.key,
  };
  await db.transaction().execute(async (trx) => {
    if (!(await markJobCompleted(trx, run, result))) throw new FentaError('JOB_LEASE_LOST', { job: run.jobId });
    await trx
      .insertInto('renders')
      .values({
        job_id: run.jobId,
        video_url: result.video_url,
        video_storage_path: render.video.key,
        thumbnail_url: result.thumbnail_url,
        srt_url: result.srt_url,
        duration_seconds: render.durationSeconds.toFixed(2),
        resolution: `${render.width}x${render.height}`,
        file_size_bytes: render.video.bytes,
        codec: render.videoCodec,
        bitrate_kbps: Math.round(render.bitrateKbps),
        fps: render.fps.toFixed(2),
        metadata: JSON.stringify({ profile: render.profile, audio_codec: render.audioCodec, storage_driver: render.storageDriver }),
      })
      .execute();
    await enqueueWebhookDeliveries(trx, run.orgId, 'render.succeeded', { event: 'render.succeeded', job_id: run.jobId, org_id: run.orgId, result });
  });
  return result;
}
