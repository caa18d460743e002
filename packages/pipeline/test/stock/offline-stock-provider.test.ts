import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { StockRequest } from '../../src/providers/pipeline-providers';
import { offlineFootageVariants } from '../../src/providers/stock/offline-footage-variants';
import { OfflineStockProvider } from '../../src/providers/stock/offline-stock-provider';
import { probeVideoFile } from '../../src/providers/stock/probe-video-file';
import type { Storage } from '@fenta/storage';
import { createNodeTestContext, type NodeTestContext } from '../support/node-test-context';

const run = promisify(execFile);
let test: NodeTestContext;

beforeEach(async () => {
  test = await createNodeTestContext();
});

afterEach(async () => {
  await test.cleanup();
});

function request(overrides: Partial<StockRequest> = {}): StockRequest {
  return { queries: ['breaking news city'], count: 3, frame: { width: 1080, height: 1920 }, minDurationSeconds: 0, excludeIds: [], ...overrides };
}

/** The MD5 of a clip's frame at `seconds`, to tell pictures apart. */
async function frameHash(file: string, seconds: number): Promise<string> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-ss', String(seconds), '-i', file, '-frames:v', '1', '-f', 'md5', '-']);
  return stdout.trim();
}

// Drawing is logged at debug level: in the worker's log, not in the job's.
const drawn = (t: NodeTestContext) => t.record.processLogs.filter((log) => log.msg === 'drew offline footage').length;

describe('OfflineStockProvider', () => {
  it('draws N distinct clips at the frame orientation, of the measured size and length', async () => {
    const provider = new OfflineStockProvider({ longSide: 160, clipSeconds: 2, fps: 10 });
    const clips = await provider.fetchClips(test.ctx, request());
    expect(clips).toHaveLength(3);
    expect(new Set(clips.map((clip) => clip.source.id)).size).toBe(3);
    const hashes = new Set<string>();
    for (const clip of clips) {
      expect(clip).toMatchObject({ width: 90, height: 160, fps: 10, durationSeconds: 2, query: 'breaking news city', source: { provider: 'offline' } });
      expect(clip.file.key).toMatch(new RegExp(`^library/offline/v1/${clip.source.id}-90x160-2s-10fps-breaking-news-city-[0-9a-f]{8}\\.mp4$`));
      const local = test.storage.localPath(clip.file.key)!;
      expect(await probeVideoFile(local, test.abort.signal)).toEqual({ width: 90, height: 160, durationSeconds: 2, fps: 10 });
      expect((await test.storage.stat(clip.file.key))?.bytes).toBe(clip.file.bytes);
      hashes.add(await frameHash(local, 1));
    }
    expect(hashes.size).toBe(3);
  });

  it('reuses stored clips on a second call instead of drawing them again', async () => {
    const provider = new OfflineStockProvider({ longSide: 160, clipSeconds: 2, fps: 10 });
    const first = await provider.fetchClips(test.ctx, request({ count: 2 }));
    expect(drawn(test)).toBe(2);
    const second = await provider.fetchClips(test.ctx, request({ count: 2 }));
    expect(drawn(test)).toBe(2);
    expect(second).toEqual(first);
  });

  it('keeps one order per query, skips excluded variants and makes landscape clips for a landscape frame', async () => {
    const provider = new OfflineStockProvider({ longSide: 160, clipSeconds: 1, fps: 10 });
    const first = await provider.fetchClips(test.ctx, request({ count: 2, frame: { width: 1920, height: 1080 } }));
    expect(first.map((clip) => [clip.width, clip.height])).toEqual([
      [160, 90],
      [160, 90],
    ]);
    const next = await provider.fetchClips(test.ctx, request({ count: 2, frame: { width: 1920, height: 1080 }, excludeIds: [first[0]!.source.id] }));
    expect(next.map((clip) => clip.source.id)).toEqual([first[1]!.source.id, expect.any(String)]);
    expect(next[1]!.source.id).not.toBe(first[0]!.source.id);
  });

  it('draws no more of a clip than the timeline shows of one (useSeconds), never under the minimum', async () => {
    const provider = new OfflineStockProvider({ longSide: 64, clipSeconds: 6, fps: 5 });
    const [short] = await provider.fetchClips(test.ctx, request({ count: 1, useSeconds: 2.5 }));
    // 2.5 s and the 0.1 s a timeline leaves at a clip's end, to the next half second.
    expect(await probeVideoFile(test.storage.localPath(short!.file.key)!, test.abort.signal)).toMatchObject({ durationSeconds: 3 });
    const [floor] = await provider.fetchClips(test.ctx, request({ count: 1, useSeconds: 2.5, minDurationSeconds: 4 }));
    expect(floor!.durationSeconds).toBe(4);
  });

  it('makes clips at least as long as the minimum duration', async () => {
    const provider = new OfflineStockProvider({ longSide: 64, clipSeconds: 1, fps: 5 });
    const [clip] = await provider.fetchClips(test.ctx, request({ count: 1, minDurationSeconds: 2.5 }));
    expect(clip?.durationSeconds).toBe(3);
    expect((await probeVideoFile(test.storage.localPath(clip!.file.key)!, test.abort.signal))?.durationSeconds).toBe(3);
  });

  it('draws every variant of the library, each one different', async () => {
    const provider = new OfflineStockProvider({ longSide: 64, clipSeconds: 1, fps: 5 });
    const clips = await provider.fetchClips(test.ctx, request({ count: 20, queries: ['всё'] }));
    expect(clips.map((clip) => clip.source.id).sort()).toEqual(offlineFootageVariants.map((variant) => variant.id).sort());
    expect(clips.every((clip) => clip.width === 36 && clip.height === 64)).toBe(true);
    const hashes = await Promise.all(clips.map((clip) => frameHash(test.storage.localPath(clip.file.key)!, 0.5)));
    expect(new Set(hashes).size).toBe(20);
  });

  it('draws two clips at once; when storing one fails, the other draw is stopped and nothing else is stored', async () => {
    const provider = new OfflineStockProvider({ longSide: 160, clipSeconds: 2, fps: 10 });
    // A clip's draw runs from the cache lookup (stat) to storing it (putFile).
    let drawing = 0;
    let mostAtOnce = 0;
    const storage: Storage = Object.create(test.storage);
    storage.stat = async (key) => {
      drawing += 1;
      mostAtOnce = Math.max(mostAtOnce, drawing);
      return test.storage.stat(key);
    };
    storage.putFile = async (key, file, options) => {
      drawing -= 1;
      return test.storage.putFile(key, file, options);
    };
    const clips = await provider.fetchClips({ ...test.ctx, storage }, request({ count: 3 }));
    expect(clips).toHaveLength(3);
    expect(mostAtOnce).toBe(2);

    const failing: Storage = Object.create(test.storage);
    const stored: string[] = [];
    let started = 0;
    failing.stat = async (key) => {
      started += 1;
      return test.storage.stat(key);
    };
    failing.putFile = async (key, file, options) => {
      if (stored.length === 0) {
        stored.push(key);
        throw new Error('the disk is full');
      }
      stored.push(key);
      return test.storage.putFile(key, file, options);
    };
    await expect(provider.fetchClips({ ...test.ctx, storage: failing }, request({ queries: ['another query'], count: 3 }))).rejects.toThrow('the disk is full');
    // No third draw started, and the one in flight was stopped (or, finishing in the same moment, stored).
    expect(started).toBe(2);
    expect(stored.length).toBeLessThanOrEqual(2);
    expect(await test.storage.stat(stored[0]!)).toBeUndefined();
    if (stored.length === 2) expect(await test.storage.stat(stored[1]!)).toBeDefined();
    expect((await readdir(test.ctx.tempDir)).filter((name) => name.startsWith('offline-'))).toEqual([]);
  });

  it('draws a clip once when two jobs of the worker want it at the same time', async () => {
    const provider = new OfflineStockProvider({ longSide: 160, clipSeconds: 2, fps: 10 });
    const other = await createNodeTestContext({ storage: test.storage });
    try {
      const [mine, theirs] = await Promise.all([provider.fetchClips(test.ctx, request()), provider.fetchClips(other.ctx, request())]);
      expect(theirs).toEqual(mine);
      expect(drawn(test) + drawn(other)).toBe(3);
    } finally {
      await other.cleanup();
    }
  });

  it('draws the clip itself when the job drawing it is cancelled, and stops waiting when its own is', async () => {
    const provider = new OfflineStockProvider({ longSide: 320, clipSeconds: 4, fps: 10 });
    const other = await createNodeTestContext({ storage: test.storage });
    const third = await createNodeTestContext({ storage: test.storage });
    // Each job's cache lookup says when it is done; the job then draws, or waits for the one drawing.
    const lookedUp = (storage: Storage) => {
      const view: Storage = Object.create(storage);
      let done!: () => void;
      const passed = new Promise<void>((resolve) => (done = resolve));
      const keys: string[] = [];
      view.stat = async (key) => {
        keys.push(key);
        const found = await storage.stat(key);
        // After this job's next steps (microtasks), before anything else.
        setImmediate(done);
        return found;
      };
      return { view, passed, keys };
    };
    try {
      const first = lookedUp(test.storage);
      const cancelled = provider.fetchClips({ ...test.ctx, storage: first.view }, request({ count: 1 }));
      await first.passed;
      const second = lookedUp(test.storage);
      const waiting = provider.fetchClips({ ...other.ctx, storage: second.view }, request({ count: 1 }));
      const last = lookedUp(test.storage);
      const givingUp = provider.fetchClips({ ...third.ctx, storage: last.view }, request({ count: 1 }));
      await Promise.all([second.passed, last.passed]);
      // Both later jobs now wait on the first one's draw.
      test.abort.abort(new Error('job cancelled'));
      third.abort.abort(new Error('its own job cancelled'));
      await expect(cancelled).rejects.toThrow();
      await expect(givingUp).rejects.toThrow('its own job cancelled');
      const clips = await waiting;
      expect(clips).toHaveLength(1);
      expect(await test.storage.stat(clips[0]!.file.key)).toMatchObject({ bytes: clips[0]!.file.bytes });
      expect(drawn(test)).toBe(0);
      expect(drawn(other)).toBe(1);
      expect(drawn(third)).toBe(0);
      // The waiting job looked the clip up again once the first job's draw had failed, then drew it.
      expect(second.keys).toEqual([clips[0]!.file.key, clips[0]!.file.key]);
    } finally {
      await Promise.all([other.cleanup(), third.cleanup()]);
    }
  });

  it('fails with STOCK_NO_RESULTS when every variant is already used', async () => {
    const provider = new OfflineStockProvider({ longSide: 64, clipSeconds: 1, fps: 5 });
    const excludeIds = offlineFootageVariants.map((variant) => variant.id);
    await expect(provider.fetchClips(test.ctx, request({ excludeIds }))).rejects.toMatchObject({ code: 'STOCK_NO_RESULTS' });
  });
});
