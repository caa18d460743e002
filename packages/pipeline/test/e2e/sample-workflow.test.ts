import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@fenta/core';
import { demoWorkflow, seedBuiltInTemplates } from '@fenta/db';
import { LocalStorage } from '@fenta/storage';
import { createJob } from '@fenta/jobs';
import { createRenderQueue } from '@fenta/queue';
import { createTestDatabase, createTestRedis, jobCostAndUsage, type TestDatabase } from '@fenta/testing';
import { runJob, type ExecutorDeps } from '../../src/executor/run-job';
import { builtInNodeRegistry } from '../../src/nodes/built-in-node-types';
import { createPipelineProviders } from '../../src/providers/create-pipeline-providers';
import { probeMedia } from '@fenta/media';
import { defaultPriceTable } from '../../src/usage/price-table';
import type { Speech } from '../../src/artifacts/artifact-types';
import { integratedLoudness, speechOnsets } from './measure-audio';

/**
 * Seed 000's sample workflow with its sample template, end to end on the
 * offline providers (ffmpeg footage, the offline writer, espeak-ng), rendered
 * for real and checked with ffprobe and ffmpeg's own measurements.
 */
describe('the sample workflow, rendered', () => {
  let database: TestDatabase;
  let root: string;
  let deps: ExecutorDeps;
  let jobId: string;
  let videoFile: string;
  let speech: Speech;

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    await database.query(`INSERT INTO users (id, email, password_hash, name) VALUES ('user_e', 'e@example.com', '!', 'E')`);
    await database.query(`INSERT INTO orgs (id, name, slug, owner_id) VALUES ('org_e', 'E', 'e', 'user_e')`);
    await seedBuiltInTemplates(database.db);
    root = await mkdtemp(path.join(tmpdir(), 'fenta-e2e-'));
    const storage = new LocalStorage(path.join(root, 'storage'));
    deps = {
      db: database.db,
      storage,
      registry: builtInNodeRegistry,
      providers: createPipelineProviders({ strict: false, db: database.db }),
      logger: createLogger({ service: 'e2e', level: 'silent' }),
      prices: defaultPriceTable,
      tempRoot: path.join(root, 'tmp'),
      publicUrl: 'http://127.0.0.1:8080',
    };
    // The sample graph as it is, but for the x264 preset: this test checks the output, not its compression.
    const graph = JSON.parse(JSON.stringify(demoWorkflow.graph));
    graph.nodes[5].params.preset = 'ultrafast';
    const redis = await createTestRedis();
    const queue = createRenderQueue({ connection: redis.redis, prefix: redis.prefix });
    try {
      const { job } = await createJob(
        { db: database.db, queue, registry: builtInNodeRegistry, logger: deps.logger },
        { orgId: 'org_e', createdBy: 'user_e', graph, variables: demoWorkflow.variables },
      );
      jobId = job.id;
      // Added to the queue under its own id; this test runs it directly instead of through a worker.
      expect((await queue.getJob(jobId))?.data).toEqual({ jobId });
    } finally {
      await queue.close();
      await redis.cleanup();
    }
    const outcome = await runJob(deps, { jobId, finalAttempt: true });
    if (outcome.status !== 'completed') throw new Error(`job ended ${outcome.status}: ${JSON.stringify(outcome)}`);
    const [render] = await database.query<{ video_storage_path: string }>(`SELECT video_storage_path FROM renders WHERE job_id = $1`, [jobId]);
    videoFile = storage.localPath(render!.video_storage_path);
    const [row] = await database.query<{ output: Speech }>(`SELECT output FROM job_nodes WHERE job_id = $1 AND node_id = 'n3'`, [jobId]);
    speech = row!.output;
  }, 240_000);

  afterAll(async () => {
    await database.drop();
    await rm(root, { recursive: true, force: true });
  });

  it('is a 1080x1920 H.264 High / AAC 48 kHz MP4 as long as the narration plus its tail', async () => {
    const info = await probeMedia(videoFile);
    expect(info).toMatchObject({ width: 1080, height: 1920, videoCodec: 'h264', audioCodec: 'aac', audioSampleRate: 48000, pixFmt: 'yuv420p' });
    expect(info.profile).toBe('High');
    expect(speech.durationSeconds).toBeGreaterThan(15);
    const [timeline] = await database.query<{ output: { durationSeconds: number } }>(`SELECT output FROM job_nodes WHERE job_id = $1 AND node_id = 'n5'`, [
      jobId,
    ]);
    expect(timeline!.output.durationSeconds).toBeGreaterThan(speech.durationSeconds);
    expect(Math.abs(info.durationSeconds - timeline!.output.durationSeconds)).toBeLessThan(0.1);
  });

  it('writes the renders row and the job result from the rendered file', async () => {
    const info = await probeMedia(videoFile);
    const [render] = await database.query<Record<string, unknown>>(
      `SELECT resolution, codec, duration_seconds::float AS duration, file_size_bytes FROM renders WHERE job_id = $1`,
      [jobId],
    );
    expect(render).toEqual({ resolution: '1080x1920', codec: 'h264', duration: Number(info.durationSeconds.toFixed(2)), file_size_bytes: info.sizeBytes });
    const [job] = await database.query<{ status: string; result: Record<string, unknown>; cost_render_seconds: string }>(
      `SELECT status, result, cost_render_seconds FROM jobs WHERE id = $1`,
      [jobId],
    );
    expect(job!.status).toBe('completed');
    expect(job!.result).toMatchObject({ duration: info.durationSeconds });
    expect(Number(job!.cost_render_seconds)).toBeGreaterThan(0);
    const usage = await database.query<{ resource_type: string }>(`SELECT resource_type FROM usage_records WHERE job_id = $1 ORDER BY resource_type`, [jobId]);
    expect(usage.map((u) => u.resource_type)).toEqual(['render_seconds', 'storage']);
    // What the job says it cost is what its usage records bill.
    const cost = await jobCostAndUsage(database.query, jobId);
    expect(cost.cost_total_usd).toBe(cost.usage_sum_usd);
    expect(Number(cost.usage_sum_usd)).toBeGreaterThan(0);
  });

  it("keeps this machine's paths and commands out of the job log the org reads", async () => {
    const logs = await database.query<{ level: string; text: string }>(
      `SELECT level, message || ' ' || coalesce(data::text, '') AS text FROM job_logs WHERE job_id = $1`,
      [jobId],
    );
    expect(logs.length).toBeGreaterThan(10);
    expect(logs.filter((line) => line.level === 'debug')).toEqual([]);
    expect(logs.filter((line) => line.text.includes(root) || line.text.includes('ffmpeg -') || /"args"/.test(line.text))).toEqual([]);
  });

  it('cues each sentence in the SRT within 150 ms of where its speech starts in the rendered audio', async () => {
    const [render] = await database.query<{ srt_storage_path: string }>(`SELECT srt_storage_path FROM renders WHERE job_id = $1`, [jobId]);
    const srt = await readFile(deps.storage.localPath(render!.srt_storage_path)!, 'utf8');
    const cueStarts = [...srt.matchAll(/^(\d\d):(\d\d):(\d\d),(\d\d\d) -->/gm)].map(
      (m) => Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000,
    );
    const onsets = await speechOnsets(videoFile);
    expect(speech.sentences.length).toBeGreaterThanOrEqual(4);
    for (const sentence of speech.sentences) {
      const cue = cueStarts.find((start) => Math.abs(start - sentence.start) < 0.002);
      expect({ sentence: sentence.text, cue }).toEqual({ sentence: sentence.text, cue: expect.any(Number) });
      const nearest = Math.min(...onsets.map((onset) => Math.abs(onset - cue!)));
      expect({ sentence: sentence.text, offBy: nearest < 0.15 }).toEqual({ sentence: sentence.text, offBy: true });
    }
  });

  it('is normalised to -14 LUFS integrated, within 0.5 LU', async () => {
    const loudness = await integratedLoudness(videoFile);
    expect(Math.abs(loudness - -14)).toBeLessThanOrEqual(0.5);
  });
});
