import { claimJobRun, type JobRunKey } from '@fenta/db';
import { createTestDatabase, type TestDatabase } from '@fenta/testing';
import { completeJob, recordPreviewRender, type FinishedOutput } from '../src/complete-job';

type Json = Record<string, any>;
const publicUrl = 'https://api.example.com';

/**
 * A job's renders (00023): one row per job and output profile, held by the
 * database; the preview recorded while the run goes on, with its
 * render.preview_ready event and webhook before the job's end.
 */
describe('renders of one job, by profile', () => {
  let database: TestDatabase;
  const orgId = 'org_renders';
  const q = <T = Json>(text: string, params?: unknown[]) => database.query<T>(text, params);

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    await q(`INSERT INTO users (id, email, password_hash, name) VALUES ('user_r', 'r@example.com', '!', 'R')`);
    await q(`INSERT INTO orgs (id, name, slug, owner_id, settings) VALUES ($1, 'R', 'r', 'user_r', '{"max_concurrent_jobs": 100}')`, [orgId]);
    await q(`INSERT INTO webhooks (org_id, url, events, secret) VALUES ($1, 'https://93.184.216.34/h', '{render.preview_ready,render.succeeded}', 'x')`, [
      orgId,
    ]);
  });
  afterAll(() => database.drop());

  const runningJob = async (): Promise<JobRunKey> => {
    const [job] = await q<{ id: string }>(`INSERT INTO jobs (org_id, config) VALUES ($1, '{}') RETURNING id`, [orgId]);
    expect((await claimJobRun(database.db, { jobId: job!.id, token: 'run', leaseMs: 60_000 })).claimed).toBe(true);
    return { jobId: job!.id, orgId, token: 'run' };
  };
  const output = (run: JobRunKey, profile: string, width: number, height: number, folder = `${profile}/`): FinishedOutput => {
    const key = (name: string) => `orgs/${orgId}/jobs/${run.jobId}/n6/${folder}${name}`;
    return {
      video: { key: key('video.mp4'), bytes: width * 10 },
      thumbnail: { key: key('thumbnail.jpg') },
      srt: { key: `orgs/${orgId}/jobs/${run.jobId}/n6/captions.srt` },
      durationSeconds: 2.02,
      width,
      height,
      fps: profile === 'preview' ? 24 : 30,
      videoCodec: 'h264',
      audioCodec: 'aac',
      bitrateKbps: 900,
      profile,
    };
  };
  const rendersOf = (jobId: string) => q(`SELECT profile, resolution, video_storage_path FROM renders WHERE job_id = $1 ORDER BY id`, [jobId]);
  const eventsOf = (jobId: string) =>
    q<{ seq: number; type: string; data: Json }>(`SELECT seq, type, data FROM job_events WHERE job_id = $1 ORDER BY seq`, [jobId]);
  const deliveriesOf = (jobId: string) =>
    q<{ event: string }>(`SELECT event FROM webhook_deliveries WHERE payload ->> 'job_id' = $1 ORDER BY created_at, id`, [jobId]).then((rows) =>
      rows.map((r) => r.event),
    );

  it('records the preview at once, then one render per profile at the end, the preview’s event before the job’s end', async () => {
    const run = await runningJob();
    const preview = await recordPreviewRender(database.db, run, { ...output(run, 'preview', 540, 960), storageDriver: 'local' }, { publicUrl });
    expect(preview).toEqual({
      render_id: expect.stringMatching(/^render_/),
      profile: 'preview',
      video_url: `${publicUrl}/v1/renders/${preview!.render_id}/video`,
      thumbnail_url: `${publicUrl}/v1/renders/${preview!.render_id}/thumbnail`,
      srt_url: `${publicUrl}/v1/renders/${preview!.render_id}/captions.srt`,
      vtt_url: `${publicUrl}/v1/renders/${preview!.render_id}/captions.vtt`,
      duration: 2.02,
    });
    const previewEvent = (await eventsOf(run.jobId)).filter((e) => e.type === 'render.preview_ready');
    expect(previewEvent).toEqual([
      {
        seq: expect.any(Number),
        type: 'render.preview_ready',
        data: {
          render_id: preview!.render_id,
          profile: 'preview',
          video_url: preview!.video_url,
          thumbnail_url: preview!.thumbnail_url,
          srt_url: preview!.srt_url,
          duration: 2.02,
          resolution: '540x960',
        },
      },
    ]);
    // A retried node that makes the preview again records nothing more.
    expect(await recordPreviewRender(database.db, run, { ...output(run, 'preview', 540, 960), storageDriver: 'local' }, { publicUrl })).toBeUndefined();

    const result = await completeJob(
      database.db,
      run,
      {
        ...output(run, '9x16_720p', 720, 1280, ''),
        outputs: [output(run, '1x1_720p', 720, 720), output(run, '16x9_720p', 1280, 720)],
        preview: output(run, 'preview', 540, 960),
        storageDriver: 'local',
      },
      { publicUrl },
    );
    expect(await rendersOf(run.jobId)).toEqual([
      { profile: 'preview', resolution: '540x960', video_storage_path: `orgs/${orgId}/jobs/${run.jobId}/n6/preview/video.mp4` },
      { profile: '9x16_720p', resolution: '720x1280', video_storage_path: `orgs/${orgId}/jobs/${run.jobId}/n6/video.mp4` },
      { profile: '1x1_720p', resolution: '720x720', video_storage_path: `orgs/${orgId}/jobs/${run.jobId}/n6/1x1_720p/video.mp4` },
      { profile: '16x9_720p', resolution: '1280x720', video_storage_path: `orgs/${orgId}/jobs/${run.jobId}/n6/16x9_720p/video.mp4` },
    ]);
    expect(result.profile).toBe('9x16_720p');
    expect(result.renders!.map((r) => [r.profile, r.render_id === preview!.render_id])).toEqual([
      ['preview', true],
      ['9x16_720p', false],
      ['1x1_720p', false],
      ['16x9_720p', false],
    ]);
    expect(result.render_id).toBe(result.renders![1]!.render_id);
    const types = (await eventsOf(run.jobId)).map((e) => e.type);
    expect(types.filter((t) => t === 'render.preview_ready' || t === 'job.completed')).toEqual(['render.preview_ready', 'job.completed']);
    expect(await deliveriesOf(run.jobId)).toEqual(['render.preview_ready', 'render.succeeded']);
  });

  it('records a preview the run did not record yet at the end, its event still before job.completed', async () => {
    const run = await runningJob();
    await completeJob(
      database.db,
      run,
      { ...output(run, '9x16_720p', 720, 1280, ''), preview: output(run, 'preview', 540, 960), storageDriver: 'local' },
      { publicUrl },
    );
    // The job's end writes progress 100, then job.completed.
    expect((await eventsOf(run.jobId)).map((e) => e.type)).toEqual(['job.started', 'render.preview_ready', 'progress', 'job.completed']);
    expect((await rendersOf(run.jobId)).map((r) => r.profile)).toEqual(['preview', '9x16_720p']);
  });

  it('keeps one render per job and profile in the database itself, and lets profiles differ', async () => {
    const run = await runningJob();
    const result = await completeJob(database.db, run, { ...output(run, '9x16_720p', 720, 1280, ''), storageDriver: 'local' }, { publicUrl });
    // One render: the result it always had.
    expect(Object.keys(result).sort()).toEqual(['duration', 'render_id', 'srt_url', 'thumbnail_url', 'video_url', 'vtt_url']);
    await expect(q(`INSERT INTO renders (job_id, video_url, profile) VALUES ($1, 'https://x/v.mp4', '9x16_720p')`, [run.jobId])).rejects.toMatchObject({
      code: '23505',
      constraint: 'renders_job_id_profile_key',
    });
    await q(`INSERT INTO renders (job_id, video_url, profile) VALUES ($1, 'https://x/v.mp4', '1x1_720p')`, [run.jobId]);
    expect((await rendersOf(run.jobId)).map((r) => r.profile)).toEqual(['9x16_720p', '1x1_720p']);
  });

  it('writes no preview for a run that lost its job', async () => {
    const run = await runningJob();
    await expect(
      recordPreviewRender(database.db, { ...run, token: 'other' }, { ...output(run, 'preview', 540, 960), storageDriver: 'local' }, { publicUrl }),
    ).rejects.toMatchObject({ code: 'JOB_LEASE_LOST' });
    expect(await rendersOf(run.jobId)).toEqual([]);
    expect((await eventsOf(run.jobId)).map((e) => e.type)).toEqual(['job.started']);
    expect(await deliveriesOf(run.jobId)).toEqual([]);
  });
});
