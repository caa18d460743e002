import { randomBytes } from 'node:crypto';
import { claimJobRun } from '@fenta/db';
import { completeJob } from '@fenta/jobs';
import { artifactKey, type Storage } from '@fenta/storage';
import type { ApiTestbed, TestCaller } from '../api-fixture';

/** The captions every made render has, with characters WebVTT must escape. */
export const srt = '1\n00:00:00,000 --> 00:00:01,500\nFish & chips <tonight>\n\n2\n00:00:01,500 --> 00:01:02,050\nA --> B\nsecond line\n\n';

export interface MadeRender {
  jobId: string;
  renderId: string;
  video: Buffer;
  thumbnail: Buffer;
}

/**
 * A render made the way the worker makes one: files stored under the job's
 * keys, then completeJob on a run holding the job (the renders row, the
 * result, the job.completed event).
 */
export async function makeRender(bed: ApiTestbed, org: TestCaller, storage: Storage, publicUrl: string): Promise<MadeRender> {
  const [job] = await bed.database.query<{ id: string }>(`INSERT INTO jobs (org_id, created_by, config) VALUES ($1, $2, '{}') RETURNING id`, [
    org.orgId,
    org.userId,
  ]);
  const jobId = job!.id;
  expect((await claimJobRun(bed.database.db, { jobId, token: 'run', leaseMs: 60_000 })).claimed).toBe(true);
  const key = (name: string) => artifactKey(org.orgId, jobId, 'out', name);
  const video = randomBytes(200_000);
  const thumbnail = randomBytes(5_000);
  await storage.putBytes(key('video.mp4'), video, { contentType: 'video/mp4' });
  await storage.putBytes(key('thumbnail.jpg'), thumbnail, { contentType: 'image/jpeg' });
  await storage.putBytes(key('captions.srt'), srt, { contentType: 'application/x-subrip' });
  const result = await completeJob(
    bed.database.db,
    { jobId, orgId: org.orgId, token: 'run' },
    {
      video: { key: key('video.mp4'), bytes: video.length },
      thumbnail: { key: key('thumbnail.jpg') },
      srt: { key: key('captions.srt') },
      durationSeconds: 62.05,
      width: 720,
      height: 1280,
      fps: 30,
      videoCodec: 'h264',
      audioCodec: 'aac',
      bitrateKbps: 2000.4,
      profile: '9x16_720p',
      storageDriver: storage.driver,
    },
    { publicUrl },
  );
  return { jobId, renderId: result.render_id, video, thumbnail };
}
