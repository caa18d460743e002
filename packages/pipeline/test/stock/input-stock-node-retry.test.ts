import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FentaError } from '@fenta/core';
import { inputStockDefinition } from '@fenta/graph';
import { maxRetryDelayMs, runNodeWithPolicy } from '../../src/executor/run-node';
import { inputStockNode } from '../../src/nodes/input-stock.node';
import { PexelsStockProvider } from '../../src/providers/stock/pexels-stock-provider';
import { PixabayStockProvider } from '../../src/providers/stock/pixabay-stock-provider';
import { startFakePexelsServer, type FakePexelsServer, type FakePexelsVideo } from '../fakes/fake-pexels-server';
import { startFakePixabayServer, type FakePixabayServer } from '../fakes/fake-pixabay-server';
import { createNodeTestContext, testProviders, type NodeTestContext } from '../support/node-test-context';
import { makeTestVideo } from './make-test-video';

/**
 * The providers make one call per use; the node's policy is the one place a
 * failure is retried. These run `Input.Stock` inside that policy with the real
 * providers against their fake APIs, and count what the fakes saw.
 */

const pexelsKey = 'pexels-node-key-51c9';
const pixabayKey = 'pixabay-node-key-77e2';
const attempts = inputStockDefinition.retry.attempts;
// The definition's tries, with a short backoff to keep the tests fast.
const nodeType = { ...inputStockNode, retry: { attempts, backoffMs: 5 } };
const params = inputStockNode.params.parse({ provider: 'pexels', query: 'city night', count: 1, min_duration: 0 });
const outage = { status: 503, body: 'Service Unavailable' };

let videoDir: string;
let portraitPath: string;
let pexels: FakePexelsServer | undefined;
let pixabay: FakePixabayServer | undefined;
let test: NodeTestContext | undefined;

beforeAll(async () => {
  videoDir = await mkdtemp(path.join(tmpdir(), 'stock-node-retry-'));
  portraitPath = path.join(videoDir, 'portrait.mp4');
  await makeTestVideo(portraitPath, { width: 72, height: 128, seconds: 1, fps: 10 });
});

afterAll(async () => {
  await rm(videoDir, { recursive: true, force: true });
});

afterEach(async () => {
  await pexels?.close();
  await pixabay?.close();
  await test?.cleanup();
  pexels = undefined;
  pixabay = undefined;
  test = undefined;
});

function video(id: number): FakePexelsVideo {
  return { id, duration: 12, files: [{ id: id * 10 + 2, width: 1080, height: 1920, path: portraitPath }] };
}

/** Pexels on its fake, with the key given (the fake itself refuses any other). */
async function withPexels(apiKey = pexelsKey): Promise<NodeTestContext> {
  pexels = await startFakePexelsServer({ apiKey: pexelsKey, videos: [video(1)] });
  const provider = new PexelsStockProvider({ apiKey, baseUrl: pexels.baseUrl, downloadPolicy: { allowAddresses: ['127.0.0.1'] } });
  test = await createNodeTestContext({ providers: testProviders({ stock: { pexels: provider } }) });
  return test;
}

/** Runs the node as the executor does: a fresh context and temp folder per attempt; the attempts started are kept. */
function runWithPolicy(nt: NodeTestContext, nodeParams: unknown = params) {
  const started: number[] = [];
  const run = runNodeWithPolicy(
    nodeType,
    (signal, attempt) => {
      started.push(attempt);
      return { ...nt.ctx, signal, attempt };
    },
    {},
    nodeParams,
    nt.abort.signal,
    'n1',
    async () => {
      await rm(nt.ctx.tempDir, { recursive: true, force: true });
      await mkdir(nt.ctx.tempDir, { recursive: true });
    },
  );
  return { run, started };
}

async function failure(promise: Promise<unknown>): Promise<FentaError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof FentaError)) throw new Error(`expected a FentaError, got ${String(error)}`);
  return error;
}

function warnings(nt: NodeTestContext) {
  return nt.record.logs.filter((log) => log.level === 'warn');
}

describe('Input.Stock retried by the node policy', () => {
  it('uses at least two tries, so a retry is possible', () => {
    expect(attempts).toBeGreaterThanOrEqual(2);
  });

  it('completes after one 503 from Pexels: the fake saw exactly 2 searches and the clip is stored', async () => {
    const nt = await withPexels();
    pexels!.scriptSearchAnswers(outage);
    const { run, started } = runWithPolicy(nt);
    const footage = await run;
    expect(footage.clips.map((clip) => [clip.source.provider, clip.source.id, clip.width, clip.height])).toEqual([['pexels', '1', 72, 128]]);
    expect(await nt.storage.stat(footage.clips[0]!.file.key)).toBeDefined();
    expect(pexels!.searches).toHaveLength(2);
    expect(pexels!.downloads.map((d) => d.path)).toEqual(['/video-files/1/12.mp4']);
    expect(started).toEqual([1, 2]);
    expect(warnings(nt)).toEqual([
      {
        level: 'warn',
        message: expect.stringMatching(new RegExp(`^attempt 1 of ${attempts} failed, retrying in \\d+ ms$`)),
        data: { code: 'PROVIDER_ERROR', error: 'Provider pexels answered 503: Service Unavailable' },
      },
    ]);
  });

  it('fails at once with PROVIDER_REQUEST_REFUSED after exactly 1 search when Pexels refuses the key, never showing it', async () => {
    const wrongKey = 'pexels-wrong-key-0000';
    const nt = await withPexels(wrongKey);
    const { run, started } = runWithPolicy(nt);
    const error = await failure(run);
    expect(error.code).toBe('PROVIDER_REQUEST_REFUSED');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('Provider pexels refused the request (401): the API key was refused');
    expect(pexels!.searches).toHaveLength(1);
    expect(pexels!.searches[0]!.authorization).toBe(wrongKey);
    expect(pexels!.downloads).toEqual([]);
    expect(started).toEqual([1]);
    expect(warnings(nt)).toEqual([]);
    expect(`${JSON.stringify(error.toBody())} ${JSON.stringify(nt.record.logs)}`).not.toContain(wrongKey);
  });

  it("fails with PROVIDER_ERROR after exactly the definition's attempts when Pexels answers 503 every time", async () => {
    const nt = await withPexels();
    // One answer more than the attempts: a try too many would be seen, not succeed.
    pexels!.scriptSearchAnswers(...Array.from({ length: attempts + 1 }, () => outage));
    const { run, started } = runWithPolicy(nt);
    const error = await failure(run);
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('Provider pexels answered 503: Service Unavailable');
    expect(pexels!.searches).toHaveLength(attempts);
    expect(pexels!.downloads).toEqual([]);
    expect(started).toEqual(Array.from({ length: attempts }, (_, i) => i + 1));
    expect(warnings(nt)).toHaveLength(attempts - 1);
  });

  it('waits as long as Retry-After asks after a 429, then completes with exactly 2 searches', async () => {
    const nt = await withPexels();
    pexels!.scriptSearchAnswers({ status: 429, headers: { 'retry-after': '1' }, body: '{"error":"Too Many Requests"}' });
    const { run } = runWithPolicy(nt);
    const footage = await run;
    expect(footage.clips).toHaveLength(1);
    expect(pexels!.searches).toHaveLength(2);
    // The backoff is 5 ms: only the asked-for second explains the gap.
    expect(pexels!.searches[1]!.at - pexels!.searches[0]!.at).toBeGreaterThanOrEqual(990);
    expect(warnings(nt)[0]).toMatchObject({ message: `attempt 1 of ${attempts} failed, retrying in 1000 ms`, data: { code: 'PROVIDER_RATE_LIMITED' } });
  });

  it('fails at once with PROVIDER_RATE_LIMITED when a 429 asks for a longer wait than a node retry allows', async () => {
    const nt = await withPexels();
    const seconds = maxRetryDelayMs / 1000 + 60;
    pexels!.scriptSearchAnswers({ status: 429, headers: { 'retry-after': String(seconds) } });
    const { run, started } = runWithPolicy(nt);
    const error = await failure(run);
    expect(error.code).toBe('PROVIDER_RATE_LIMITED');
    expect(error.details).toEqual({ retryAfterMs: seconds * 1000 });
    expect(pexels!.searches).toHaveLength(1);
    expect(started).toEqual([1]);
  });

  it('fails at once with PROVIDER_REQUEST_REFUSED after exactly 1 search when Pixabay refuses the key, never showing it', async () => {
    const wrongKey = 'pixabay-wrong-key-0000';
    pixabay = await startFakePixabayServer({ apiKey: pixabayKey, hits: [] });
    const provider = new PixabayStockProvider({ apiKey: wrongKey, baseUrl: pixabay.baseUrl, downloadPolicy: { allowAddresses: ['127.0.0.1'] } });
    const nt = (test = await createNodeTestContext({ providers: testProviders({ stock: { pixabay: provider } }) }));
    const { run, started } = runWithPolicy(nt, { ...params, provider: 'pixabay' });
    const error = await failure(run);
    expect(error.code).toBe('PROVIDER_REQUEST_REFUSED');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('Provider pixabay refused the request (400): [ERROR 400] Invalid or missing API key');
    expect(pixabay.searches).toHaveLength(1);
    expect(pixabay.searches[0]!.params.key).toBe(wrongKey);
    expect(started).toEqual([1]);
    expect(`${JSON.stringify(error.toBody())} ${JSON.stringify(nt.record.logs)}`).not.toContain(wrongKey);
  });
});
