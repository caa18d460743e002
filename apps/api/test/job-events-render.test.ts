import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { seedBuiltInTemplates } from '@fenta/db';
import { builtInNodeDefinitionRegistry } from '@fenta/graph';
import { createJob } from '@fenta/jobs';
import { findFreePort, startRedisServer, type RunningRedis } from '@fenta/local-services';
import { createRenderQueue } from '@fenta/queue';
import { LocalStorage } from '@fenta/storage';
import { jobCostAndUsage } from '@fenta/testing';
import { silentLogger, startApiTestbed, testListenerName, type ApiTestbed, type TestCaller } from './api-fixture';
import { dataOf, openEventStream, type SseConnection, storedEvents } from './support/sse-client';

const workerMain = path.join(__dirname, '..', '..', 'worker', 'dist', 'main.js');

/** Seed 000's sample workflow, made small: one beat of narration, 720p, the fastest x264 preset; offline providers throughout. */
const smallGraph = {
  nodes: [
    { id: 'n1', type: 'Input.Stock', params: { provider: 'pexels', query: 'city lights' } },
    { id: 'n2', type: 'Script.Generate', params: { genre: 'news', lang: 'en', prompt: 'one short line', beats: 1, target_seconds: 5 } },
    { id: 'n3', type: 'Voice.TTS', params: { voice: 'alloy_en' } },
    { id: 'n4', type: 'Subtitle.Auto', params: { style: 'clean_box' } },
    { id: 'n5', type: 'Edit.Timeline', params: { template_id: 'tmpl_shorts_v1' } },
    { id: 'n6', type: 'Output.Render', params: { profile: '9x16_720p', preset: 'ultrafast' } },
  ],
  edges: [
    { from: 'n1', to: 'n5' },
    { from: 'n2', to: 'n3' },
    { from: 'n3', to: 'n4' },
    { from: 'n4', to: 'n5' },
    { from: 'n5', to: 'n6' },
  ],
};

/**
 * A real render, followed over SSE: the worker runs as it does in
 * production (its own process, ffmpeg and espeak-ng, the offline
 * providers), the API listens on a loopback port, and a client reads the
 * job's stream over HTTP while the render happens, then resumes it with
 * Last-Event-ID, then downloads the files through the URLs in the result.
 */
describe('a real render, followed over SSE and downloaded', () => {
  let bed: ApiTestbed;
  let dir: string;
  let redis: RunningRedis;
  let worker: ChildProcess;
  let workerLog = '';
  let owner: TestCaller;
  let base: string;
  let storage: LocalStorage;
  let jobId: string;
  let live: SseConnection;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'fenta-api-render-'));
    await chmod(dir, 0o755);
    storage = new LocalStorage(path.join(dir, 'storage'));
    const port = await findFreePort();
    base = `http://127.0.0.1:${port}`;
    bed = await startApiTestbed({ storage, publicUrl: base });
    await bed.app.listen({ host: '127.0.0.1', port });
    owner = await bed.newOrg('render');
    await seedBuiltInTemplates(bed.database.db);
    // A Redis of its own: the worker uses the default queue prefix.
    redis = await startRedisServer({ dataDir: path.join(dir, 'redis'), port: await findFreePort(), appendOnly: false });

    const queue = createRenderQueue({ connection: { url: redis.url } });
    try {
      ({
        job: { id: jobId },
      } = await createJob(
        { db: bed.database.db, queue, registry: builtInNodeDefinitionRegistry, logger: silentLogger },
        { orgId: owner.orgId, createdBy: owner.userId, graph: smallGraph, variables: { topic: 'a bridge painted by its neighbours' } },
      ));
    } finally {
      await queue.close();
    }

    // Followed from before the worker exists: everything arrives live.
    live = await openEventStream(`${base}/v1/jobs/${jobId}/events`, owner.headers);
    worker = spawn(process.execPath, [workerMain], {
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: bed.database.url,
        REDIS_URL: redis.url,
        FENTA_STORAGE_DIR: path.join(dir, 'storage'),
        FENTA_TEMP_DIR: path.join(dir, 'tmp'),
        FENTA_PUBLIC_URL: base,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout!.on('data', (chunk: Buffer) => (workerLog += chunk.toString()));
    worker.stderr!.on('data', (chunk: Buffer) => (workerLog += chunk.toString()));

    // Mid-render, the API's listening connection is dropped: the stream must not lose or repeat an event over it.
    await live
      .until((events) => events.some((event) => event.event === 'node.finished'), 'the first node.finished')
      .catch((error: Error) => {
        throw new Error(`${error.message}\nworker:\n${workerLog}`);
      });
    await bed.database.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [testListenerName]);
    await live.ended;
  }, 240_000);

  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.kill('SIGTERM');
      await exited;
    }
    await redis?.stop();
    await bed?.close();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  const stored = () => storedEvents(bed.database, jobId);
  const received = (stream: SseConnection) => stream.events.map((event) => ({ id: event.id, event: event.event, data: dataOf(event) }));
  const download = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers: { ...owner.headers, ...headers } });

  it('sent every event of the render once, in order, numbered 1 to n, and ended after job.completed', async () => {
    const all = await stored();
    expect(received(live)).toEqual(all);
    expect(all.map((event) => event.id)).toEqual(all.map((_, index) => String(index + 1)));
    expect(all[0]!.event).toBe('job.started');
    expect(all.at(-1)!.event).toBe('job.completed');

    // Each node started, then finished, once, and only after the nodes it takes inputs from (n1 runs beside n2–n4).
    const nodeEvents = all.filter((event) => event.event.startsWith('node.')).map((event) => `${event.event} ${event.data.node_id}`);
    const order = nodeEvents.filter((event) => event.startsWith('node.started')).map((event) => event.split(' ')[1]!);
    expect([...order].sort()).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 'n6']);
    expect([...nodeEvents].sort()).toEqual(order.flatMap((node) => [`node.finished ${node}`, `node.started ${node}`]).sort());
    const at = (event: string) => nodeEvents.indexOf(event);
    const upstream: Record<string, string[]> = { n3: ['n2'], n4: ['n3'], n5: ['n1', 'n4'], n6: ['n5'] };
    for (const node of order) {
      expect(at(`node.finished ${node}`)).toBeGreaterThan(at(`node.started ${node}`));
      for (const from of upstream[node] ?? []) expect(at(`node.started ${node}`)).toBeGreaterThan(at(`node.finished ${from}`));
    }

    // Progress only rises, and reaches 100 just before the completion.
    const percents = all.filter((event) => event.event === 'progress').map((event) => event.data.progress as number);
    expect(percents.length).toBeGreaterThan(3);
    expect(percents).toEqual([...new Set(percents)].sort((x, y) => x - y));
    expect(all.at(-2)).toMatchObject({ event: 'progress', data: { progress: 100 } });

    const [job] = await bed.database.query<{ result: Record<string, unknown> }>(`SELECT result FROM jobs WHERE id = $1`, [jobId]);
    expect(all.at(-1)!.data).toMatchObject({ status: 'completed', result: job!.result });
    const cost = await jobCostAndUsage(bed.database.query, jobId);
    expect(cost.cost_total_usd).toBe(cost.usage_sum_usd);
  });

  it('resumes with Last-Event-ID exactly after the event named, to the end', async () => {
    const all = await stored();
    const middle = Math.floor(all.length / 2);
    const resumed = await openEventStream(`${base}/v1/jobs/${jobId}/events`, { ...owner.headers, 'last-event-id': String(middle) });
    await resumed.ended;
    expect(received(resumed)).toEqual(all.slice(middle));
  });

  it("downloads the render through the result's URLs: whole, by range, its thumbnail, its SRT and its WebVTT", async () => {
    const [job] = await bed.database.query<{ result: Record<string, string> }>(`SELECT result FROM jobs WHERE id = $1`, [jobId]);
    const result = job!.result;
    const renderId = result.render_id!;
    expect(result).toMatchObject({
      video_url: `${base}/v1/renders/${renderId}/video`,
      thumbnail_url: `${base}/v1/renders/${renderId}/thumbnail`,
      srt_url: `${base}/v1/renders/${renderId}/captions.srt`,
      vtt_url: `${base}/v1/renders/${renderId}/captions.vtt`,
    });
    const [render] = await bed.database.query<{ video_storage_path: string; thumbnail_storage_path: string; srt_storage_path: string }>(
      `SELECT video_storage_path, thumbnail_storage_path, srt_storage_path FROM renders WHERE id = $1`,
      [renderId],
    );
    const video = await readFile(storage.localPath(render!.video_storage_path));

    const whole = await download(result.video_url!);
    expect([whole.status, whole.headers.get('content-type'), whole.headers.get('content-length')]).toEqual([200, 'video/mp4', String(video.length)]);
    const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    expect(sha(Buffer.from(await whole.arrayBuffer()))).toBe(sha(video));

    // The first bytes of an MP4 with +faststart, and its last kilobyte, as a player seeking would ask for them.
    for (const [range, start, end] of [
      ['bytes=0-1023', 0, 1023],
      ['bytes=-1024', video.length - 1024, video.length - 1],
    ] as const) {
      const part = await download(result.video_url!, { range });
      expect([part.status, part.headers.get('content-range')]).toEqual([206, `bytes ${start}-${end}/${video.length}`]);
      expect(Buffer.from(await part.arrayBuffer()).equals(video.subarray(start, end + 1))).toBe(true);
    }
    const beyond = await download(result.video_url!, { range: `bytes=${video.length}-` });
    expect([beyond.status, beyond.headers.get('content-range')]).toEqual([416, `bytes */${video.length}`]);

    const thumbnail = await download(result.thumbnail_url!);
    expect(thumbnail.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await thumbnail.arrayBuffer()).equals(await readFile(storage.localPath(render!.thumbnail_storage_path)))).toBe(true);
    const srt = await download(result.srt_url!);
    expect(await srt.text()).toBe(await readFile(storage.localPath(render!.srt_storage_path), 'utf8'));

    // The WebVTT made from the render's SRT is the one Subtitle.Auto wrote from the same cues.
    const [captions] = await bed.database.query<{ vtt: string }>(
      `SELECT output->'vtt'->>'key' AS vtt FROM job_nodes WHERE job_id = $1 AND node_type = 'Subtitle.Auto'`,
      [jobId],
    );
    const webVtt = await download(result.vtt_url!);
    expect(webVtt.headers.get('content-type')).toBe('text/vtt; charset=utf-8');
    const text = await webVtt.text();
    expect(text).toMatch(/^WEBVTT\n\n\d\d:\d\d:\d\d\.\d{3} --> /);
    expect(text).toBe(await readFile(storage.localPath(captions!.vtt), 'utf8'));

    // Another org's key gets nothing of it.
    const other = await bed.newOrg('other');
    const refused = await fetch(result.video_url!, { headers: other.headers });
    expect([refused.status, ((await refused.json()) as { error: { code: string } }).error.code]).toEqual([404, 'RENDER_NOT_FOUND']);
  });
});
