import { FentaError } from '@fenta/core';
import { demoWorkflow } from '@fenta/db';
import type { Script } from '../../src/artifacts/artifact-types';
import { inputStockNode } from '../../src/nodes/input-stock.node';
import type { StockProvider, StockRequest } from '../../src/providers/pipeline-providers';
import { OfflineStockProvider } from '../../src/providers/stock/offline-stock-provider';
import { createNodeTestContext, testProviders, type NodeTestContext } from '../support/node-test-context';

let test: NodeTestContext | undefined;
afterEach(async () => {
  await test?.cleanup();
  test = undefined;
});

const offline = () => new OfflineStockProvider({ longSide: 64, clipSeconds: 1, fps: 5 });

/** The offline library, with every request it was given kept for the assertions. */
function recording(inner: StockProvider, failFor: string[] = []): StockProvider & { requests: StockRequest[] } {
  const requests: StockRequest[] = [];
  return {
    name: inner.name,
    requests,
    async fetchClips(ctx, request) {
      requests.push(structuredClone(request));
      if (failFor.includes(request.queries[0]!)) throw new FentaError('STOCK_NO_RESULTS', { query: request.queries.join(' / '), provider: inner.name });
      return inner.fetchClips(ctx, request);
    },
  };
}

const script: Script = {
  kind: 'script',
  title: 'City goes solar',
  lang: 'en',
  hashtags: [],
  beats: [
    { text: 'a. a2.', sentences: ['a.', 'a2.'], searchTerms: ['solar streetlight', 'city night'] },
    { text: 'b.', sentences: ['b.'], searchTerms: ['electricity bill'] },
    { text: 'c.', sentences: ['c.'], searchTerms: ['town hall', 'Breaking News City'] },
  ],
};

describe('Input.Stock', () => {
  it('reads the sample graph params; offline and 5 clips by default', () => {
    expect(inputStockNode.params.parse(demoWorkflow.graph.nodes[0].params)).toEqual({ provider: 'pexels', query: 'breaking news city', count: 5 });
    expect(inputStockNode.params.parse({ query: 'city' })).toEqual({ provider: 'offline', query: 'city', count: 5 });
    expect(inputStockNode.params.safeParse({ query: '  ' }).success).toBe(false);
    expect(inputStockNode.params.safeParse({ query: 'city', count: 21 }).success).toBe(false);
    expect(inputStockNode.params.safeParse({ query: 'city', provider: 'youtube' }).success).toBe(false);
  });

  it('fetches count clips for the query at the frame from the job variables', async () => {
    const provider = recording(offline());
    test = await createNodeTestContext({ providers: testProviders({ stock: { offline: provider } }), variables: { frame: { width: 1920, height: 1080 } } });
    const footage = await inputStockNode.run(test.ctx, {}, inputStockNode.params.parse({ query: 'city', count: 2, min_duration: 1 }));
    expect(provider.requests).toEqual([{ frame: { width: 1920, height: 1080 }, minDurationSeconds: 1, queries: ['city'], count: 2, excludeIds: [] }]);
    expect(footage.kind).toBe('footage');
    expect(footage.clips.map((clip) => [clip.width, clip.height, clip.query])).toEqual([
      [64, 36, 'city'],
      [64, 36, 'city'],
    ]);
    expect(test.record.progress).toEqual([1]);
  });

  it('falls back to the offline library when the asked provider is not configured, and says so', async () => {
    test = await createNodeTestContext({ providers: testProviders({ stock: { offline: offline() } }) });
    const footage = await inputStockNode.run(test.ctx, {}, inputStockNode.params.parse({ provider: 'pexels', query: 'city', count: 1 }));
    expect(footage.clips.map((clip) => [clip.source.provider, clip.width, clip.height])).toEqual([['offline', 36, 64]]);
    expect(test.record.logs.filter((log) => log.level === 'warn')).toEqual([
      {
        level: 'warn',
        message: 'stock provider pexels is not available (no API key is configured); using the offline library instead',
        data: { asked: 'pexels', used: 'offline' },
      },
    ]);
  });

  it('fails with PROVIDER_UNAVAILABLE in strict mode instead of falling back', async () => {
    test = await createNodeTestContext({ providers: testProviders({ strict: true, stock: { offline: offline() } }) });
    const run = inputStockNode.run(test.ctx, {}, inputStockNode.params.parse({ provider: 'pixabay', query: 'city' }));
    await expect(run).rejects.toThrow(new FentaError('PROVIDER_UNAVAILABLE', { provider: 'pixabay', reason: 'no API key is configured' }));
    await expect(run).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
  });

  it("finds a clip per sentence of each beat from the beat's search terms, never repeating one, and tags each with its beat", async () => {
    const provider = recording(offline());
    test = await createNodeTestContext({ providers: testProviders({ stock: { offline: provider } }) });
    const footage = await inputStockNode.run(test.ctx, { script }, inputStockNode.params.parse({ query: 'breaking news city', count: 5 }));
    const ids = footage.clips.map((clip) => clip.source.id);
    expect(provider.requests.map((r) => [r.queries, r.count, r.excludeIds])).toEqual([
      [['solar streetlight', 'city night', 'breaking news city'], 2, []],
      [['electricity bill', 'breaking news city'], 1, [ids[0], ids[1]]],
      [['town hall', 'Breaking News City'], 1, [ids[0], ids[1], ids[2]]],
    ]);
    expect(footage.clips.map((clip) => [clip.query, clip.beat])).toEqual([
      ['solar streetlight', 0],
      ['solar streetlight', 0],
      ['electricity bill', 1],
      ['town hall', 2],
    ]);
    expect(new Set(ids).size).toBe(4);
    expect(test.record.progress).toEqual([1 / 3, 2 / 3, 1]);
  });

  it("makes clips as long as the timeline it feeds shows of one: its template's longest scene", async () => {
    const provider = recording(offline());
    const spec = { tracks: [{ type: 'video', id: 'main', z: 0 }], rules: { cuts: 'auto_by_beats_or_speech', min_scene: 1, max_scene: 2.5 } };
    test = await createNodeTestContext({
      providers: testProviders({ stock: { offline: provider } }),
      templates: [{ id: 'tmpl_short_scenes', name: 'Short scenes', aspect: '9:16', resolution: '1080x1920', spec }],
      consumers: [{ nodeId: 'edit', type: 'Edit.Timeline', params: { template_id: 'tmpl_short_scenes' } }],
    });
    const footage = await inputStockNode.run(test.ctx, {}, inputStockNode.params.parse({ query: 'city', count: 2, min_duration: 1 }));
    expect(provider.requests.map((r) => r.useSeconds)).toEqual([2.5]);
    // 2.5 s shown at most, 0.1 s kept unused at the end: drawn to the next half second.
    expect(footage.clips.map((clip) => clip.durationSeconds)).toEqual([3, 3]);
  });

  it.each([
    ['a render with a preview', { preview: true, profile: '9x16_1080p' }, { width: 540, height: 960 }],
    ['a render of the preview profile', { preview: false, profile: 'preview' }, { width: 540, height: 960 }],
    ['a render without a preview', { preview: false, profile: '9x16_1080p' }, undefined],
  ])('asks for footage for the preview frame too when the graph further on has %s', async (_, renderParams, draftFrame) => {
    const provider = recording(offline());
    test = await createNodeTestContext({
      providers: testProviders({ stock: { offline: provider } }),
      consumers: [{ nodeId: 'edit', type: 'Edit.Timeline', params: {} }],
      // The render reads the timeline, not the footage: it is downstream, not a consumer.
      downstream: [
        { nodeId: 'edit', type: 'Edit.Timeline', params: {} },
        { nodeId: 'render', type: 'Output.Render', params: renderParams },
      ],
    });
    await inputStockNode.run(test.ctx, {}, inputStockNode.params.parse({ query: 'city', count: 1, min_duration: 1 }));
    expect(provider.requests.map((r) => r.draftFrame)).toEqual([draftFrame]);
  });

  it('goes on without a beat that has no footage, and says so', async () => {
    const provider = recording(offline(), ['electricity bill']);
    test = await createNodeTestContext({ providers: testProviders({ stock: { offline: provider } }) });
    const footage = await inputStockNode.run(test.ctx, { script }, inputStockNode.params.parse({ query: 'breaking news city' }));
    expect(footage.clips).toHaveLength(3);
    expect(test.record.logs.filter((log) => log.level === 'warn').map((log) => log.message)).toEqual(['no clip found for beat 2', 'found 3 of 4 clips']);
  });

  it('fails with STOCK_NO_RESULTS when no beat found footage', async () => {
    const provider = recording(offline(), ['solar streetlight', 'electricity bill', 'town hall']);
    test = await createNodeTestContext({ providers: testProviders({ stock: { offline: provider } }) });
    const run = inputStockNode.run(test.ctx, { script }, inputStockNode.params.parse({ query: 'breaking news city' }));
    await expect(run).rejects.toThrow('No stock footage found for "solar streetlight / electricity bill / town hall" at offline');
  });
});
