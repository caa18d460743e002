import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FentaError } from '@fenta/core';
import type { StockRequest } from '../../src/providers/pipeline-providers';
import { PixabayStockProvider } from '../../src/providers/stock/pixabay-stock-provider';
import { startFakePixabayServer, type FakePixabayHit, type FakePixabayServer } from '../fakes/fake-pixabay-server';
import { createNodeTestContext, type NodeTestContext } from '../support/node-test-context';
import { makeTestVideo } from './make-test-video';

// Characters that URL encoding changes, to prove the encoded form is hidden too.
const apiKey = '4815162342-pixa/bay+key';
let videoDir: string;
let portraitPath: string;
let landscapePath: string;
let fake: FakePixabayServer;
let test: NodeTestContext;

beforeAll(async () => {
  videoDir = await mkdtemp(path.join(tmpdir(), 'pixabay-videos-'));
  portraitPath = path.join(videoDir, 'portrait.mp4');
  landscapePath = path.join(videoDir, 'landscape.mp4');
  await Promise.all([
    makeTestVideo(portraitPath, { width: 72, height: 128, seconds: 2, fps: 10 }),
    makeTestVideo(landscapePath, { width: 128, height: 72, seconds: 2, fps: 10 }),
  ]);
});

afterAll(async () => {
  await rm(videoDir, { recursive: true, force: true });
});

afterEach(async () => {
  await fake?.close();
  await test?.cleanup();
});

function landscapeHit(id: number, duration: number, extra: Partial<FakePixabayHit> = {}): FakePixabayHit {
  return {
    id,
    duration,
    videos: {
      large: { width: 3840, height: 2160, path: landscapePath },
      medium: { width: 1920, height: 1080, path: landscapePath },
      small: { width: 1280, height: 720, path: landscapePath },
      tiny: { width: 960, height: 540, path: landscapePath },
    },
    ...extra,
  };
}

function portraitHit(id: number, duration: number): FakePixabayHit {
  return {
    id,
    duration,
    videos: {
      medium: { width: 1080, height: 1920, path: portraitPath },
      small: { width: 720, height: 1280, path: portraitPath },
      tiny: { width: 540, height: 960, path: portraitPath },
    },
  };
}

async function setUp(hits: FakePixabayHit[], settings: { maxDownloadBytes?: number } = {}) {
  fake = await startFakePixabayServer({ apiKey, hits });
  test = await createNodeTestContext();
  return new PixabayStockProvider({
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

function expectNoKey(error: FentaError): void {
  const shown = `${error.message} ${JSON.stringify(error.toBody())} ${JSON.stringify(test.record.logs)}`;
  expect(shown).not.toContain(apiKey);
  expect(shown).not.toContain(encodeURIComponent(apiKey));
}

describe('PixabayStockProvider', () => {
  it('searches with the key in the query, picks the rendition nearest the frame and stores it', async () => {
    const provider = await setUp([portraitHit(1, 12)]);
    const clips = await provider.fetchClips(test.ctx, request());
    expect(fake.searches.map((s) => s.params)).toEqual([{ key: apiKey, q: 'city night', per_page: '20', page: '1', safesearch: 'true' }]);
    expect(fake.downloads).toEqual(['/video/1/medium.mp4']);
    expect(clips).toEqual([
      {
        file: { key: 'orgs/org_test/jobs/job_test/n1/clip-1.mp4', contentType: 'video/mp4', bytes: expect.any(Number) },
        durationSeconds: 2,
        width: 72,
        height: 128,
        fps: 10,
        source: { provider: 'pixabay', id: '1', url: 'https://pixabay.com/videos/clip-1/', author: 'pixabay_user' },
        query: 'city night',
      },
    ]);
  });

  it('picks the small rendition for a 1280x720 frame and skips missing renditions', async () => {
    const provider = await setUp([landscapeHit(1, 12), { id: 2, duration: 12, videos: {} }]);
    const clips = await provider.fetchClips(test.ctx, request({ frame: { width: 1280, height: 720 }, count: 2 }));
    expect(fake.downloads).toEqual(['/video/1/small.mp4']);
    expect(clips.map((clip) => clip.source.id)).toEqual(['1']);
  });

  it('skips excluded ids and never repeats a clip across queries', async () => {
    const provider = await setUp([
      landscapeHit(1, 10, { matches: ['city', 'night'] }),
      landscapeHit(2, 10, { matches: ['city'] }),
      landscapeHit(3, 10, { matches: ['night'] }),
    ]);
    const clips = await provider.fetchClips(test.ctx, request({ queries: ['city', 'night'], count: 3, excludeIds: ['2'] }));
    expect(clips.map((clip) => [clip.source.id, clip.query])).toEqual([
      ['1', 'city'],
      ['3', 'night'],
    ]);
  });

  // One call per search: whether another try may help is the error's code, and only the node's policy retries.
  it('makes one call: a 429 fails with PROVIDER_RATE_LIMITED carrying the X-RateLimit-Reset wait', async () => {
    const provider = await setUp([portraitHit(1, 12)]);
    fake.scriptSearchAnswers({ status: 429, headers: { 'x-ratelimit-reset': '1' }, body: 'API rate limit exceeded' });
    const error = await failure(provider.fetchClips(test.ctx, request()));
    expect(error.code).toBe('PROVIDER_RATE_LIMITED');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('Provider pixabay is rate limiting requests');
    expect(error.details).toEqual({ retryAfterMs: 1000 });
    expect(fake.searches).toHaveLength(1);
    expect(fake.downloads).toEqual([]);
  });

  it('makes one call: a 500 fails with the retryable PROVIDER_ERROR and never shows the key, even when the page echoes it', async () => {
    const provider = await setUp([portraitHit(1, 12)]);
    const echo = `failed for /api/videos/?key=${encodeURIComponent(apiKey)} (key ${apiKey})`;
    // A second answer is scripted so that a hidden retry would show as a second search.
    fake.scriptSearchAnswers({ status: 500, body: echo }, { status: 500, body: echo });
    const error = await failure(provider.fetchClips(test.ctx, request()));
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('Provider pixabay answered 500: failed for /api/videos/?key=[redacted] (key [redacted])');
    expect(fake.searches).toHaveLength(1);
    expectNoKey(error);
  });

  it('fails a refused key (a 400, as Pixabay answers it) with PROVIDER_REQUEST_REFUSED, not retryable, after one call, without the key', async () => {
    const provider = await setUp([portraitHit(1, 12)]);
    fake.scriptSearchAnswers({ status: 400, body: '[ERROR 400] Invalid or missing API key' });
    const error = await failure(provider.fetchClips(test.ctx, request()));
    expect(error.code).toBe('PROVIDER_REQUEST_REFUSED');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('Provider pixabay refused the request (400): [ERROR 400] Invalid or missing API key');
    expect(fake.searches).toHaveLength(1);
    expectNoKey(error);
  });

  it('fails a 403 with PROVIDER_REQUEST_REFUSED "the API key was refused" after one call, without the key', async () => {
    const provider = await setUp([portraitHit(1, 12)]);
    fake.scriptSearchAnswers({ status: 403, body: `forbidden: ${apiKey}` });
    const error = await failure(provider.fetchClips(test.ctx, request()));
    expect(error.code).toBe('PROVIDER_REQUEST_REFUSED');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('Provider pixabay refused the request (403): the API key was refused');
    expect(fake.searches).toHaveLength(1);
    expectNoKey(error);
  });

  it('reports an unreachable API as the retryable PROVIDER_ERROR without the key', async () => {
    const provider = await setUp([portraitHit(1, 12)]);
    await fake.close();
    const error = await failure(provider.fetchClips(test.ctx, request()));
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('Provider pixabay answered connection-failed: ECONNREFUSED');
    expectNoKey(error);
  });

  it('refuses a file larger than the download limit', async () => {
    const provider = await setUp([portraitHit(1, 12)], { maxDownloadBytes: 1000 });
    const error = await failure(provider.fetchClips(test.ctx, request()));
    expect(error.code).toBe('DOWNLOAD_TOO_LARGE');
    expect(error.params.limitBytes).toBe(1000);
    expectNoKey(error);
  });
});
