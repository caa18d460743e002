import type { ImageOverlay, TextOverlay, Timeline } from '../timeline/timeline-ir';

/** What is drawn over the footage, bottom first: the captions, an image, or a run of text overlays drawn by one libass pass. */
export type TimelineLayer =
  | { kind: 'subtitles'; source: string; z: number }
  | ImageOverlay
  | { kind: 'text'; overlays: TextOverlay[]; /** Index of the run among the timeline's runs of text overlays. */ group: number };

/**
 * The timeline's layers in ascending z (ties keep subtitles first, then the
 * timeline's order), with text overlays that follow one another merged into
 * one layer: they are written into one ASS script (see writeTextOverlays),
 * later ones above earlier ones, and burned by one filter.
 */
export function timelineLayers(timeline: Timeline): TimelineLayer[] {
  const sorted = [...(timeline.subtitles ? [{ kind: 'subtitles' as const, ...timeline.subtitles }] : []), ...timeline.overlays];
  // Array.prototype.sort is stable, so equal z keeps this order.
  sorted.sort((a, b) => a.z - b.z);
  const layers: TimelineLayer[] = [];
  let groups = 0;
  for (const layer of sorted) {
    const last = layers[layers.length - 1];
    if (layer.kind !== 'text') layers.push(layer);
    else if (last?.kind === 'text') last.overlays.push(layer);
    else layers.push({ kind: 'text', overlays: [layer], group: groups++ });
  }
  return layers;
}
