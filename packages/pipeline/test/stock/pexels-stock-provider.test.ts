import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FentaError } from '@fenta/core';
import { probeVideoFile } from '../../src/providers/stock/probe-video-file';
import { PexelsStockProvider } from '../../src/providers/stock/pexels-stock-provider';
import type { StockRequest } from '../../src/providers/pipeline-providers';
import { startFakePexelsServer, type FakePexelsFile, type FakePexelsServer, type FakePexelsVideo } from '../fakes/fake-pexels-server';
import { createNodeTestContext, type NodeTestContext } from '../support/node-test-context';
import { makeTestVideo } from './make-test-video';

const apiKey = 'pexels-test-key-7f3a';
let videoDir: string;
let portraitPath: string;
let landscapePath: string;
let largePortraitPath: string;
let smallPortraitPath: string;
let notAVideoPath: string;
let fake: FakePexelsServer;
let test: NodeTestContext;

beforeAll(async () => {
  videoDir = await mkdtemp(path.join(tmpdir(), 'pexels-videos-'));
  portraitPath = path.join(videoDir, 'portrait.mp4');
  landscapePath = path.join(videoDir, 'landscape.mp4');
  largePortraitPath = path.join(videoDir, 'large-portrait.mp4');
  smallPortraitPath = path.join(videoDir, 'small-portrait.mp4');
  notAVideoPath = path.join(videoDir, 'not-a-video.mp4');
  await writeFile(notAVideoPath, 'this is no video\n');
  await Promise.all([
    makeTestVideo(smallPortraitPath, { width: 36, height: 64, seconds: 1, fps: 10 }),
    makeTestVideo(largePortraitPath, { width: 288, height: 512, seconds: 2, fps: 10 }),
    makeTestVideo(portraitPath, { width: 72, height: 128, seconds: 1, fps: 10 }),
    makeTestVideo(landscapePath, { width: 128, height: 72, seconds: 1, fps: 10 }),
  ]);
});

afterAll(async () => {
  await rm(videoDir, { recursive: true, force: true });
});

afterEach(async () => {
  await fake?.close();
  await test?.cleanup();
});

/** A video offering the usual Pexels sizes; each file id encodes its size so downloads say which was picked. */
function standardVideo(id: number, duration: number, extra: Partial<FakePexelsVideo> = {}): FakePexelsVideo {
  const files: FakePexelsFile[] = [
    { id: id * 10 + 1, width: 3840, height: 2160, quality: 'uhd', path: landscapePath },
    { id: id * 10 + 2, width: 1080, height: 1920, path: portraitPath },
    { id: id * 10 + 3, width: 720, height: 1280, path: portraitPath },
    { id: id * 10 + 4, width: 640, height: 360, quality: 'sd', path: landscapePath },
  ];
  return { id, duration, files, ...extra };
}

/** A video with landscape MP4 files only (its one portrait file is an HLS playlist, which is not downloaded). */
function landscapeOnlyVideo(): FakePexelsVideo {
  return {
    id: 5,
    duration: 10,
    files: [
      { id: 51, width: 1280, height: 720, path: landscapePath },
      { id: 52, width: 1920, height: 1080, path: landscapePath },
      { id: 53, width: 640, height: 360, path: landscapePath },
      { id: 54, width: 1080, height: 1920, fileType: 'application/x-mpegURL', path: portraitPath },
    ],
  };
}

async function setUp(videos: FakePexelsVideo[], settings: { maxDownloadBytes?: number } = {}) {
  fake = await startFakePexelsServer({ apiKey, videos });
  test = await createNodeTestContext();
  return new PexelsStockProvider({
    apiKey,
    baseUrl: fake.baseUrl,
    downloadPolicy: { allowAddresses: ['127.0.0.1'] },
    maxDownloadBytes: settings.maxDownloadBytes,
  });
}

function request(overrides: Partial<StockRequest> = {}): StockRequest {
  return { queries: ['city night'], count: 1, frame: { width: 1080, height: 1920 }, minDurationSeconds: 0, excludeIds: [], ...overrides };
}

async function failure(promise: Promise<unknown>): Promise<FentaError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof FentaError)) throw new Error(`expected a FentaError, got ${String(error)}`);
  return error;
}

describe('PexelsStockProvider', () => {
  it('searches with the key and the frame, downloads the nearest file and stores it measured by ffprobe', async () => {
    const provider = await setUp([standardVideo(1, 12, { author: 'Ana' })]);
    const clips = await provider.fetchClips(test.ctx, request());
    expect(fake.searches).toEqual([
      {
        params: { query: 'city night', orientation: 'portrait', size: 'medium', per_page: '15', page: '1' },
        authorization: apiKey,
        at: expect.any(Number),
      },
    ]);
    expect(fake.downloads).toEqual([{ path: '/video-files/1/12.mp4', authorization: undefined }]);
    expect(clips).toEqual([
      {
        file: { key: 'orgs/org_test/jobs/job_test/n1/clip-1.mp4', contentType: 'video/mp4', bytes: expect.any(Number) },
        durationSeconds: 1,
        width: 72,
        height: 128,
        fps: 10,
        source: { provider: 'pexels', id: '1', url: 'https://www.pexels.com/video/clip-1/', author: 'Ana' },
        query: 'city night',
      },
    ]);
    const stored = test.storage.localPath(clips[0]!.file.key)!;
    expect(await probeVideoFile(stored, test.abort.signal)).toEqual({ width: 72, height: 128, durationSeconds: 1, fps: 10 });
  });

  it('picks 720x1280 for a 720x1280 frame and asks Pexels for the small size class', async () => {
    const provider = await setUp([standardVideo(1, 12)]);
    await provider.fetchClips(test.ctx, request({ frame: { width: 720, height: 1280 } }));
    expect(fake.searches[0]?.params.size).toBe('small');
    expect(fake.downloads.map((d) => d.path)).toEqual(['/video-files/1/13.mp4']);
  });

  it('picks the largest landscape file when a portrait frame only has landscape ones', async () => {
    const provider = await setUp([landscapeOnlyVideo()]);
    const clips = await provider.fetchClips(test.ctx, request());
    expect(fake.downloads.map((d) => d.path)).toEqual(['/video-files/5/52.mp4']);
    expect([clips[0]?.width, clips[0]?.height]).toEqual([128, 72]);
  });

  it('asks for landscape footage for a landscape frame', async () => {
    const provider = await setUp([standardVideo(1, 12)]);
    await provider.fetchClips(test.ctx, request({ frame: { width: 1920, height: 1080 } }));
    expect(fake.searches[0]?.params.orientation).toBe('landscape');
  });

  it('skips excluded ids, never repeats a clip across queries, and numbers clips after those already used', async () => {
    const provider = await setUp([
      standardVideo(1, 10, { matches: ['city', 'night'] }),
      standardVideo(2, 10, { matches: ['city'] }),
      standardVideo(3, 10, { matches: ['night'] }),
    ]);
    const clips = await provider.fetchClips(test.ctx, request({ queries: ['city', 'night'], count: 2, excludeIds: ['2'] }));
    expect(clips.map((clip) => [clip.source.id, clip.query, clip.file.key])).toEqual([
      ['1', 'city', 'orgs/org_test/jobs/job_test/n1/clip-2.mp4'],
      ['3', 'night', 'orgs/org_test/jobs/job_test/n1/clip-3.mp4'],
    ]);
    expect(fake.searches.map((s) => s.params.query)).toEqual(['city', 'night']);
  });

  it('prefers clips of the minimum length and uses shorter ones only when it must', async () => {
    const provider = await setUp([standardVideo(1, 3), standardVideo(2, 12), standardVideo(3, 15)]);
    const two = await provider.fetchClips(test.ctx, request({ count: 2, minDurationSeconds: 5 }));
    expect(two.map((clip) => clip.source.id)).toEqual(['2', '3']);
    const three = await provider.fetchClips(test.ctx, request({ count: 3, minDurationSeconds: 5 }));
    expect(three.map((clip) => clip.source.id)).toEqual(['2', '3', '1']);
  });

  // One call per search: whether another try may help is the error's code, and only the node's policy retries.
  it('makes one call: a 429 fails with PROVIDER_RATE_LIMITED carrying the Retry-After wait', async () => {
    const provider = await setUp([standardVideo(1, 12)]);
    fake.scriptSearchAnswers({ status: 429, headers: { 'retry-after': '1' }, body: '{"error":"Too Many Requests"}' });
    const error = await failure(provider.fetchClips(test.ctx, request()));
    expect(error.code).toBe('PROVIDER_RATE_LIMITED');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('Provider pexels is rate limiting requests');
    expect(error.details).toEqual({ retryAfterMs: 1000 });
    expect(fake.searches).toHaveLength(1);
    expect(fake.downloads).toEqual([]);
  });

  it('reads the wait from X-Ratelimit-Reset, the UNIX time Pexels sends, when there is no Retry-After', async () => {
    const provider = await setUp([standardVideo(1, 12)]);
    const reset = Math.floor(Date.now() / 1000) + 30;
    fake.scriptSearchAnswers({ status: 429, headers: { 'x-ratelimit-reset': String(reset) } });
    const before = Date.now();
    const error = await failure(provider.fetchClips(test.ctx, request()));
    const after = Date.now();
    expect(error.code).toBe('PROVIDER_RATE_LIMITED');
    const waitMs = (error.details as { retryAfterMs: number }).retryAfterMs;
    expect(waitMs).toBeGreaterThanOrEqual(reset * 1000 - after);
    expect(waitMs).toBeLessThanOrEqual(reset * 1000 - before);
    expect(fake.searches).toHaveLength(1);
  });

  it.each([
    [500, 'oops'],
    [502, 'bad gateway'],
    [503, 'Service Unavailable'],
    [408, 'Request Timeout'],
  ])('makes one call: a %i fails with the retryable PROVIDER_ERROR', async (status, body) => {
    const provider = await setUp([standardVideo(1, 12)]);
    // A second answer is scripted so that a hidden retry would show as a second search.
    fake.scriptSearchAnswers({ status, body }, { status, body });
    const error = await failure(provider.fetchClips(test.ctx, request()));
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`Provider pexels answered ${status}: ${body}`);
    expect(fake.searches).toHaveLength(1);
  });

  it.each([401, 403])('fails a %i with PROVIDER_REQUEST_REFUSED, not retryable, after one call, naming the provider, never the key', async (status) => {
    const provider = await setUp([standardVideo(1, 12)]);
    fake.scriptSearchAnswers({ status, body: `{"error":"bad key ${apiKey}"}` });
    const error = await failure(provider.fetchClips(test.ctx, request()));
    expect(error.code).toBe('PROVIDER_REQUEST_REFUSED');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(`Provider pexels refused the request (${status}): the API key was refused`);
    expect(`${JSON.stringify(error.toBody())} ${JSON.stringify(error.params)} ${JSON.stringify(test.record.logs)}`).not.toContain(apiKey);
    expect(fake.searches).toHaveLength(1);
  });

  it('fails another 4xx with PROVIDER_REQUEST_REFUSED after one call, the key scrubbed from the echoed body', async () => {
    const provider = await setUp([standardVideo(1, 12)]);
    fake.scriptSearchAnswers({ status: 400, body: `bad request for key ${apiKey}` });
    const error = await failure(provider.fetchClips(test.ctx, request()));
    expect(error.code).toBe('PROVIDER_REQUEST_REFUSED');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('Provider pexels refused the request (400): bad request for key [redacted]');
    expect(fake.searches).toHaveLength(1);
  });

  it('is refused by the fake itself with a wrong key: one search, PROVIDER_REQUEST_REFUSED', async () => {
    fake = await startFakePexelsServer({ apiKey, videos: [standardVideo(1, 12)] });
    test = await createNodeTestContext();
    const provider = new PexelsStockProvider({ apiKey: 'pexels-wrong-key', baseUrl: fake.baseUrl, downloadPolicy: { allowAddresses: ['127.0.0.1'] } });
    const error = await failure(provider.fetchClips(test.ctx, request()));
    expect(error.code).toBe('PROVIDER_REQUEST_REFUSED');
    expect(error.message).toBe('Provider pexels refused the request (401): the API key was refused');
    expect(fake.searches.map((s) => s.authorization)).toEqual(['pexels-wrong-key']);
  });

  it('fails with the retryable PROVIDER_ERROR status connection-failed when the API cannot be reached', async () => {
    const provider = await setUp([standardVideo(1, 12)]);
    await fake.close();
    const error = await failure(provider.fetchClips(test.ctx, request()));
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('Provider pexels answered connection-failed: ECONNREFUSED');
  });

  it('refuses a file larger than the download limit', async () => {
    const provider = await setUp([standardVideo(1, 12)], { maxDownloadBytes: 1000 });
    const error = await failure(provider.fetchClips(test.ctx, request()));
    expect(error.message).toBe(`Download from ${new URL(fake.baseUrl).host} exceeds the limit of 1000 bytes`);
    expect(await test.storage.stat('orgs/org_test/jobs/job_test/n1/clip-1.mp4')).toBeUndefined();
  });

  it('falls back to the next smaller rendition when the fitting file is over the download limit, and says so', async () => {
    const video = standardVideo(1, 12);
    video.files[1]!.path = largePortraitPath;
    const limit = (await stat(portraitPath)).size + 100;
    expect((await stat(largePortraitPath)).size).toBeGreaterThan(limit);
    const provider = await setUp([video], { maxDownloadBytes: limit });
    const clips = await provider.fetchClips(test.ctx, request());
    // 1080x1920 first (refused mid-way or by its declared length), then 720x1280.
    expect(fake.downloads.map((download) => download.path)).toEqual(['/video-files/1/12.mp4', '/video-files/1/13.mp4']);
    expect(clips.map((clip) => [clip.width, clip.height, clip.source.id])).toEqual([[72, 128, '1']]);
    expect(test.record.logs.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([
      'clip 1: the 1080x1920 file is over the download limit; trying 720x1280',
    ]);
  });

  it('refuses file links to loopback under the production download policy', async () => {
    fake = await startFakePexelsServer({ apiKey, videos: [standardVideo(1, 12)] });
    test = await createNodeTestContext();
    const provider = new PexelsStockProvider({ apiKey, baseUrl: fake.baseUrl });
    const error = await failure(provider.fetchClips(test.ctx, request()));
    expect(error.message).toBe(`URL ${fake.baseUrl}/video-files/1/12.mp4 is not allowed: 127.0.0.1, a loopback address`);
    expect(fake.downloads).toEqual([]);
  });

  it('fails with STOCK_NO_RESULTS when nothing is found', async () => {
    const provider = await setUp([standardVideo(1, 12, { matches: ['forest'] })]);
    const error = await failure(provider.fetchClips(test.ctx, request({ queries: ['city', 'night'] })));
    expect(error.message).toBe('No stock footage found for "city / night" at pexels');
  });

  it('reads further pages until it has enough clips', async () => {
    const videos = Array.from({ length: 20 }, (_, i) => standardVideo(i + 1, i < 15 ? 2 : 20));
    const provider = await setUp(videos);
    const clips = await provider.fetchClips(test.ctx, request({ count: 1, minDurationSeconds: 10 }));
    expect(clips.map((clip) => clip.source.id)).toEqual(['16']);
    expect(fake.searches.map((s) => s.params.page)).toEqual(['1', '2']);
  });

  describe('with a draft frame (the job renders a preview)', () => {
    const draftFrame = { width: 540, height: 960 };
    /** A portrait video whose 720x1280 file (the smallest covering 540x960) is its own small picture, so the stored draft shows which file it is. */
    function withDraftFile(draftPath: string): FakePexelsVideo {
      const video = standardVideo(1, 12, { author: 'Ana' });
      return { ...video, files: video.files.map((file) => (file.id === 13 ? { ...file, path: draftPath } : file)) };
    }

    it('also stores the smallest file that covers the preview frame, measured by ffprobe', async () => {
      const provider = await setUp([withDraftFile(smallPortraitPath)]);
      const clips = await provider.fetchClips(test.ctx, request({ draftFrame }));
      expect(fake.downloads.map((d) => d.path)).toEqual(['/video-files/1/12.mp4', '/video-files/1/13.mp4']);
      expect(clips.map((clip) => [clip.file.key, clip.width, clip.height, clip.draft])).toEqual([
        [
          'orgs/org_test/jobs/job_test/n1/clip-1.mp4',
          72,
          128,
          { file: { key: 'orgs/org_test/jobs/job_test/n1/clip-1-draft.mp4', contentType: 'video/mp4', bytes: expect.any(Number) }, width: 36, height: 64 },
        ],
      ]);
      const stored = test.storage.localPath(clips[0]!.draft!.file.key)!;
      expect(await probeVideoFile(stored, test.abort.signal)).toEqual({ width: 36, height: 64, durationSeconds: 1, fps: 10 });
    });

    it('stores no draft when no smaller file covers the preview frame', async () => {
      // 9:16 at 540x960 from landscape files needs 960 lines: only the 1920x1080 file has them, and it is the clip's own.
      const provider = await setUp([landscapeOnlyVideo()]);
      const clips = await provider.fetchClips(test.ctx, request({ draftFrame }));
      expect(fake.downloads.map((d) => d.path)).toEqual(['/video-files/5/52.mp4']);
      expect(clips[0]?.draft).toBeUndefined();
    });

    it('keeps the clip without a draft, and says so, when the draft file is no video', async () => {
      const provider = await setUp([withDraftFile(notAVideoPath)]);
      const clips = await provider.fetchClips(test.ctx, request({ draftFrame }));
      expect(clips.map((clip) => [clip.file.key, clip.draft])).toEqual([['orgs/org_test/jobs/job_test/n1/clip-1.mp4', undefined]]);
      expect(await test.storage.stat('orgs/org_test/jobs/job_test/n1/clip-1-draft.mp4')).toBeUndefined();
      expect(test.record.logs.filter((log) => log.level === 'warn')).toEqual([
        {
          level: 'warn',
          message:
            "clip 1: no 720x1280 file for the preview (Provider pexels answered with something Fenta cannot use: clip 1's draft file is not a readable video); the preview reads the full file",
          data: { provider: 'pexels', code: 'PROVIDER_RESPONSE_INVALID' },
        },
      ]);
    });
  });
});
