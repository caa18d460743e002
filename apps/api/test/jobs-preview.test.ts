import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { z } from 'zod';
import { createLogger } from '@fenta/core';
import { probeMedia } from '@fenta/media';
import { createNodeRegistry, defaultPriceTable, getOutputProfile, outputRenderNode, runJob } from '@fenta/pipeline';
import { LocalStorage } from '@fenta/storage';
import { defineNodeType } from '../../../packages/pipeline/src/nodes/define-node-type';
import type { Timeline } from '../../../packages/pipeline/src/timeline/timeline-ir';
import { testProviders } from '../../../packages/pipeline/test/support/node-test-context';
import { startApiTestbed, type ApiTestbed, type TestCaller } from './api-fixture';

const exec = promisify(execFile);
type Json = Record<string, any>;

/** A 1.5 s timeline of footage and a tone drawn by ffmpeg into the node's own storage: the least a real Output.Render can take. */
const tinyTimelineNode = defineNodeType({
  type: 'Test.Timeline',
  stage: 'edit',
  description: 'A tiny real timeline.',
  params: z.object({}),
  inputs: {},
  output: 'timeline',
  retry: { attempts: 1, backoffMs: 0 },
  timeoutMs: 30_000,
  async run(ctx): Promise<Timeline> {
    const clip = path.join(ctx.tempDir, 'clip.mp4');
    const tone = path.join(ctx.tempDir, 'tone.wav');
    const ffmpeg = (args: string[]) => exec('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args]);
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=30', '-t', '1.5', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast', clip]);
    await ffmpeg(['-f', 'lavfi', '-i', 'sine=f=330:d=1.5:sample_rate=48000', tone]);
    const [footage, voice] = [await ctx.saveArtifact('clip.mp4', clip, 'video/mp4'), await ctx.saveArtifact('tone.wav', tone, 'audio/wav')];
    return {
      kind: 'timeline',
      profile: getOutputProfile('9x16_720p'),
      durationSeconds: 1.5,
      clips: [{ source: footage.key, inPoint: 0, start: 0, end: 1.5 }],
      overlays: [],
      audio: { voice: { source: voice.key, gainDb: 0 }, loudnessLufs: -14 },
      thumbnailAt: 0.5,
    };
  },
});

const graph = {
  nodes: [
    { id: 'tl', type: 'Test.Timeline', params: {} },
    { id: 'out', type: 'Output.Render', params: { profile: '9x16_720p', preset: 'ultrafast' } },
  ],
  edges: [{ from: 'tl', to: 'out' }],
};

// POST /v1/jobs with `preview` and `output_profiles`, run by the real
// executor with the real Output.Render (tiny renders): the preview is a
// render of its own recorded while the job runs, and each profile has its
// render and files.
describe('jobs with a preview and several output profiles', () => {
  let bed: ApiTestbed;
  let owner: TestCaller;
  let root: string;
  let storage: LocalStorage;
  const registry = createNodeRegistry([tinyTimelineNode, outputRenderNode]);

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'fenta-api-preview-'));
    storage = new LocalStorage(path.join(root, 'storage'));
    bed = await startApiTestbed({ registry, storage });
    owner = await bed.newOrg('preview');
    await bed.database.query(
      `INSERT INTO webhooks (org_id, url, events, secret) VALUES ($1, 'https://93.184.216.34/h', '{render.preview_ready,render.succeeded}', 'x')`,
      [owner.orgId],
    );
  });
  afterAll(async () => {
    await bed.close();
    await rm(root, { recursive: true, force: true });
  });

  const q = <T = Json>(text: string, params?: unknown[]) => bed.database.query<T>(text, params);
  const post = (payload: Json) => bed.app.inject({ method: 'POST', url: '/v1/jobs', headers: owner.headers, payload });
  const get = async (url: string) => (await bed.app.inject({ method: 'GET', url, headers: owner.headers })).json() as Json;
  const run = (jobId: string) =>
    runJob(
      {
        db: bed.database.db,
        storage,
        registry,
        providers: testProviders(),
        logger: createLogger({ service: 'api-preview-test', level: 'silent' }),
        prices: defaultPriceTable,
        tempRoot: path.join(root, 'tmp'),
        publicUrl: 'http://127.0.0.1:8080',
      },
      { jobId, finalAttempt: true },
    );
  const created = async (payload: Json) => {
    const response = await post(payload);
    expect({ status: response.statusCode, body: response.statusCode === 202 ? '' : response.body }).toEqual({ status: 202, body: '' });
    return (response.json() as { job: Json }).job.id as string;
  };

  it('renders the preview first, records it with its event before the render node finishes, then the full render', async () => {
    const jobId = await created({ graph, preview: true });
    const [config] = await q(`SELECT config FROM jobs WHERE id = $1`, [jobId]);
    expect(config!.config.graph.nodes[1].params).toEqual({ profile: '9x16_720p', preset: 'ultrafast', preview: true });
    expect((await run(jobId)).status).toBe('completed');

    const renders = await q(`SELECT id, profile, resolution, video_storage_path FROM renders WHERE job_id = $1 ORDER BY id`, [jobId]);
    expect(renders.map((r) => [r.profile, r.resolution])).toEqual([
      ['preview', '540x960'],
      ['9x16_720p', '720x1280'],
    ]);
    const preview = await probeMedia(storage.localPath(renders[0]!.video_storage_path)!);
    expect([preview.width, preview.height, Math.abs(preview.durationSeconds - 1.5) <= 0.1]).toEqual([540, 960, true]);

    const events = await q<{ seq: number; type: string; data: Json }>(`SELECT seq, type, data FROM job_events WHERE job_id = $1 ORDER BY seq`, [jobId]);
    const at = (type: string, nodeId?: string) => events.find((e) => e.type === type && (nodeId === undefined || e.data.node_id === nodeId))!.seq;
    // Recorded while Output.Render still ran: after it started, before it finished and before the job's end.
    expect(at('node.started', 'out')).toBeLessThan(at('render.preview_ready'));
    expect(at('render.preview_ready')).toBeLessThan(at('node.finished', 'out'));
    expect(at('node.finished', 'out')).toBeLessThan(at('job.completed'));
    expect(events.find((e) => e.type === 'render.preview_ready')!.data).toMatchObject({ render_id: renders[0]!.id, profile: 'preview', resolution: '540x960' });
    const deliveries = await q(`SELECT event FROM webhook_deliveries WHERE payload ->> 'job_id' = $1 ORDER BY created_at, id`, [jobId]);
    expect(deliveries.map((d) => d.event)).toEqual(['render.preview_ready', 'render.succeeded']);

    // The job names its main render and lists both; the render routes serve both.
    const job = (await get(`/v1/jobs/${jobId}`)).job;
    expect(job.result).toMatchObject({ render_id: renders[1]!.id, profile: '9x16_720p' });
    expect(job.result.renders.map((r: Json) => [r.render_id, r.profile])).toEqual([
      [renders[0]!.id, 'preview'],
      [renders[1]!.id, '9x16_720p'],
    ]);
    const listed = await get(`/v1/renders?job_id=${jobId}`);
    expect(listed.data.map((r: Json) => [r.profile, r.width, r.height])).toEqual([
      ['9x16_720p', 720, 1280],
      ['preview', 540, 960],
    ]);
    const video = await bed.app.inject({ method: 'GET', url: `/v1/renders/${renders[0]!.id}/video`, headers: owner.headers });
    expect([video.statusCode, video.headers['content-type'], video.rawPayload.length]).toEqual([200, 'video/mp4', preview.sizeBytes]);
  }, 60_000);

  it('renders each output profile asked for to its own render and files, at its frame', async () => {
    const jobId = await created({ graph, output_profiles: ['1x1_720p', '16x9_720p'] });
    expect((await run(jobId)).status).toBe('completed');
    const renders = await q(`SELECT profile, resolution, video_storage_path FROM renders WHERE job_id = $1 ORDER BY id`, [jobId]);
    const probed = await Promise.all(
      renders.map(async (r) => {
        const info = await probeMedia(storage.localPath(r.video_storage_path)!);
        return [r.profile, r.resolution, `${info.width}x${info.height}`, Math.abs(info.durationSeconds - 1.5) <= 0.1];
      }),
    );
    expect(probed).toEqual([
      ['9x16_720p', '720x1280', '720x1280', true],
      ['1x1_720p', '720x720', '720x720', true],
      ['16x9_720p', '1280x720', '1280x720', true],
    ]);
    expect(new Set(renders.map((r) => r.video_storage_path)).size).toBe(3);
    // Each render's seconds are recorded as usage of its own profile.
    const usage = await q(`SELECT render_profile FROM usage_records WHERE job_id = $1 AND resource_type = 'render_seconds' ORDER BY idempotency_key`, [jobId]);
    expect(usage.map((u) => u.render_profile)).toEqual(['9x16_720p', '1x1_720p', '16x9_720p']);
  }, 60_000);

  it('refuses bad preview and output_profiles values with coded bodies, before making a job', async () => {
    const before = (await q(`SELECT count(*)::int AS n FROM jobs WHERE org_id = $1`, [owner.orgId]))[0]!.n;
    const refusal = async (payload: Json) => {
      const response = await post(payload);
      const { error } = response.json() as { error: Json };
      return { status: response.statusCode, code: error.code, paths: (error.details?.problems ?? []).map((p: Json) => p.path) };
    };
    expect(await refusal({ graph, preview: 'yes' })).toEqual({ status: 400, code: 'REQUEST_INVALID', paths: ['body.preview'] });
    expect(await refusal({ graph, output_profiles: ['9x16_4k'] })).toEqual({ status: 400, code: 'REQUEST_INVALID', paths: ['body.output_profiles[0]'] });
    // The draft is asked for with preview: true, never as the job's video.
    expect(await refusal({ graph, output_profile: 'preview' })).toEqual({ status: 400, code: 'REQUEST_INVALID', paths: ['body.output_profile'] });
    expect(await refusal({ graph, output_profiles: ['preview'] })).toEqual({ status: 400, code: 'REQUEST_INVALID', paths: ['body.output_profiles[0]'] });
    expect(await refusal({ graph, output_profiles: ['1x1_720p', '1x1_720p'] })).toEqual({
      status: 400,
      code: 'REQUEST_INVALID',
      paths: ['body.output_profiles'],
    });
    // Already the main profile: the graph's params schema says so, at the node's path.
    expect(await refusal({ graph, output_profiles: ['9x16_720p'] })).toEqual({
      status: 400,
      code: 'NODE_PARAM_INVALID',
      paths: ['nodes[1].params.profiles[0]'],
    });
    expect((await q(`SELECT count(*)::int AS n FROM jobs WHERE org_id = $1`, [owner.orgId]))[0]!.n).toBe(before);
  });
});
