import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { FentaError } from '@fenta/core';
import type { FootageClip, StoredFile } from '../../artifacts/artifact-types';
import type { NodeContext } from '../../nodes/node-context';
import type { StockProvider, StockRequest } from '../pipeline-providers';
import { offlineFootageVariants, type OfflineClipShape, type OfflineFootageVariant } from './offline-footage-variants';
import { renderOfflineClip } from './render-offline-clip';
import { mapWithConcurrency } from '../../process/map-with-concurrency';

/** How big and how long the offline library draws its clips. */
export interface OfflineStockProviderOptions {
  /** Long side of a clip, px (720): quick to draw; the render scales it to the frame. Never above the frame's. */
  longSide?: number;
  /** Length of a clip unless the request's minimum is longer or its longest use shorter, s (6). */
  clipSeconds?: number;
  fps?: number;
}

// Bumped whenever a variant's picture changes, so old cached clips are not reused.
const libraryVersion = 'v1';
const maxLabelLength = 28;
const drawConcurrency = 2;

/**
 * Footage drawn by ffmpeg: fractals, automata, gradients and test patterns
 * in slow motion, labelled with the search term, at the frame's orientation,
 * as long as the timeline uses of a clip (the request's `useSeconds`).
 * Each clip is stored once under a key made of its variant, size, length and
 * label (`library/offline/…`), so later jobs reuse it instead of drawing it.
 */
export class OfflineStockProvider implements StockProvider {
  readonly name = 'offline';
  private readonly longSide: number;
  private readonly clipSeconds: number;
  private readonly fps: number;
  /** Clips being drawn now, by storage key: jobs this worker runs at once often want the same ones. */
  private readonly drawing = new Map<string, Promise<unknown>>();

  constructor(options: OfflineStockProviderOptions = {}) {
    this.longSide = options.longSide ?? 720;
    this.clipSeconds = options.clipSeconds ?? 6;
    this.fps = options.fps ?? 30;
  }

  async fetchClips(ctx: NodeContext, request: StockRequest): Promise<FootageClip[]> {
    const query = request.queries.find((term) => term.trim().length > 0)?.trim() ?? '';
    const label = labelFor(query);
    const shape = this.shapeFor(request);
    const excluded = new Set(request.excludeIds);
    const variants = rotateFor(query, offlineFootageVariants)
      .filter((variant) => !excluded.has(variant.id))
      .slice(0, request.count);
    if (variants.length === 0) throw new FentaError('STOCK_NO_RESULTS', { query: request.queries.join(' / '), provider: this.name });
    // Two drawn at once: one ffmpeg drawing a fractal keeps about one core busy.
    return mapWithConcurrency(variants, drawConcurrency, ctx.signal, async (variant, _i, signal): Promise<FootageClip> => {
      const file = await this.cachedClip({ storage: ctx.storage, tempDir: ctx.tempDir, log: ctx.log, signal }, variant, shape, label);
      // The size, rate and length are those ffmpeg was told to draw (the tests check them with ffprobe).
      return {
        file,
        durationSeconds: shape.seconds,
        width: shape.width,
        height: shape.height,
        fps: shape.fps,
        source: { provider: this.name, id: variant.id },
        query,
      };
    });
  }

  private shapeFor(request: StockRequest): OfflineClipShape {
    const { width, height } = request.frame;
    const scale = Math.min(1, this.longSide / Math.max(width, height));
    const even = (value: number) => Math.max(2, Math.round((value * scale) / 2) * 2);
    // As long as the timeline shows of a clip (its longest scene and the margin it leaves at a clip's end,
    // to the next half second), else the default length; never under the request's minimum.
    const wanted = request.useSeconds === undefined ? this.clipSeconds : Math.ceil((request.useSeconds + 0.2) * 2) / 2;
    const seconds = Math.min(60, Math.max(wanted, Math.ceil(request.minDurationSeconds)));
    return { width: even(width), height: even(height), fps: this.fps, seconds };
  }

  private async cachedClip(
    ctx: Pick<NodeContext, 'storage' | 'tempDir' | 'signal' | 'log'>,
    variant: OfflineFootageVariant,
    shape: OfflineClipShape,
    label: string,
  ): Promise<StoredFile> {
    const key = libraryKey(variant, shape, label);
    const cached = await ctx.storage.stat(key);
    if (cached) return { key, contentType: 'video/mp4', bytes: cached.bytes };
    // Another job is drawing this clip: wait for it and look again (through this job's own storage view),
    // drawing it here only once no job is drawing it and it is still not stored (that draw failed or was cancelled).
    for (let running = this.drawing.get(key); running; running = this.drawing.get(key)) {
      await settledOrAborted(running, ctx.signal);
      const drawn = await ctx.storage.stat(key);
      if (drawn) return { key, contentType: 'video/mp4', bytes: drawn.bytes };
    }
    const draw = this.draw(ctx, variant, shape, label, key);
    this.drawing.set(key, draw);
    try {
      return await draw;
    } finally {
      if (this.drawing.get(key) === draw) this.drawing.delete(key);
    }
  }

  private async draw(
    ctx: Pick<NodeContext, 'storage' | 'tempDir' | 'signal' | 'log'>,
    variant: OfflineFootageVariant,
    shape: OfflineClipShape,
    label: string,
    key: string,
  ): Promise<StoredFile> {
    const localPath = path.join(ctx.tempDir, `offline-${variant.id}.mp4`);
    try {
      await renderOfflineClip(variant, shape, label, localPath, { workDir: ctx.tempDir, signal: ctx.signal });
      const stored = await ctx.storage.putFile(key, localPath, { contentType: 'video/mp4' });
      ctx.log.debug('drew offline footage', { key, variant: variant.id });
      return { key, contentType: 'video/mp4', bytes: stored.bytes };
    } finally {
      await rm(localPath, { force: true });
    }
  }
}

/** Resolves once `promise` settles, whichever way; rejects with the signal's reason if it aborts first. */
function settledOrAborted(promise: Promise<unknown>, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const settled = () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    };
    promise.then(settled, settled);
  });
}

/** The storage key of one offline clip: everything that changes its pixels is in it. */
export function libraryKey(variant: OfflineFootageVariant, shape: OfflineClipShape, label: string): string {
  const slug =
    label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 32) || 'untitled';
  // The slug loses case and non-Latin letters; the hash keeps labels that share a slug apart.
  const labelHash = createHash('sha256').update(label).digest('hex').slice(0, 8);
  return `library/offline/${libraryVersion}/${variant.id}-${shape.width}x${shape.height}-${shape.seconds}s-${shape.fps}fps-${slug}-${labelHash}.mp4`;
}

function labelFor(query: string): string {
  const text = query.replace(/\s+/g, ' ').trim().toUpperCase();
  return text.length > maxLabelLength ? `${text.slice(0, maxLabelLength - 1)}…` : text;
}

/** The variants starting at a place chosen by the query, so different beats open with different looks. */
function rotateFor(query: string, variants: readonly OfflineFootageVariant[]): OfflineFootageVariant[] {
  const start = createHash('sha256').update(query.toLowerCase()).digest().readUInt32BE(0) % variants.length;
  return [...variants.slice(start), ...variants.slice(0, start)];
}
