import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '@fenta/db';
import type { Storage } from '@fenta/storage';
import type { RenderResult } from '../artifacts/artifact-types';

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

// Long enough for a client to fetch a finished render from object storage at leisure.
const downloadUrlSeconds = 7 * 24 * 3600;

/**
 * Records a finished job in one transaction: the `renders` row (from ffprobe
 * metadata), `jobs.result`, status completed, and the `render.succeeded`
 * webhook deliveries (an outbox the scheduler sends from).
 */
export async function completeJob(db: Kysely<DB>, storage: Storage, input: { jobId: string; orgId: string; render: RenderResult }): Promise<JobResult> {
  const { render } = input;
  const [video, thumbnail, srt] = await Promise.all(
    [render.video.key, render.thumbnail.key, render.srt.key].map((key) => storage.downloadUrl(key, { expiresInSeconds: downloadUrlSeconds })),
  );
  const result: JobResult = {
    video_url: video!,
    thumbnail_url: thumbnail!,
    srt_url: srt!,
    duration: render.durationSeconds,
    video_key: render.video.key,
    thumbnail_key: render.thumbnail.key,
    srt_key: render.srt.key,
  };
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('renders')
      .values({
        job_id: input.jobId,
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
        metadata: JSON.stringify({ profile: render.profile, audio_codec: render.audioCodec, storage_driver: storage.driver }),
      })
      .execute();
    await trx
      .updateTable('jobs')
      .set({ status: 'completed', progress: 100, result: JSON.stringify(result), error: null, completed_at: sql`now()` })
      .where('id', '=', input.jobId)
      .execute();
    await enqueueWebhookDeliveries(trx, input.orgId, 'render.succeeded', { event: 'render.succeeded', job_id: input.jobId, org_id: input.orgId, result });
  });
  return result;
}

/** Inserts a pending delivery for every enabled webhook of the org subscribed to `event`. */
export async function enqueueWebhookDeliveries(db: Kysely<DB> | Transaction<DB>, orgId: string, event: string, payload: unknown): Promise<void> {
  const hooks = await db
    .selectFrom('webhooks')
    .select('id')
    .where('org_id', '=', orgId)
    .where('enabled', '=', true)
    .where(sql<boolean>`${event} = ANY(events)`)
    .execute();
  if (hooks.length === 0) return;
  await db
    .insertInto('webhook_deliveries')
    .values(hooks.map((hook) => ({ webhook_id: hook.id, event, payload: JSON.stringify(payload), status: 'pending', next_retry_at: sql`now()` })))
    .execute();
}
