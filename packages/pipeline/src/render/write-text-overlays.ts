import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadCaptionFonts, type CaptionFonts } from '../subtitles/caption-fonts';
import type { NodeContext } from '../nodes/node-context';
import type { Timeline } from '../timeline/timeline-ir';
import type { TextBox } from './fit-text-in-box';
import { parseFontPattern } from './font-pattern';
import { overlayArea, writeTextOverlayAss } from './text-overlay-ass';
import { timelineLayers } from './timeline-layers';

/** The ASS scripts of a timeline's text overlays, and what their fonts could not cover. */
export interface TextOverlayFiles {
  /** The script of each run of text overlays, by its `group` (see timelineLayers): compileTimeline's `textOverlayFiles`. */
  files: Record<number, string>;
  /** Families a pattern named that are not installed, with what draws them instead. */
  substitutes: Record<string, string>;
  /** Stand-in families by character, for characters the named fonts lack. */
  fallbacks: Record<string, string>;
  /** Characters no installed font has. */
  missing: string[];
}

/**
 * Writes the timeline's text overlays as ASS scripts into `dir` (one per run
 * of overlays between other layers), with each family's fonts loaded once
 * for all the texts drawn in it. `area` is where text may go (the
 * timeline's safe area unless told; see overlayArea).
 */
export async function writeTextOverlays(timeline: Timeline, options: { dir: string; signal: AbortSignal; area?: TextBox }): Promise<TextOverlayFiles> {
  const result: TextOverlayFiles = { files: {}, substitutes: {}, fallbacks: {}, missing: [] };
  const area = options.area ?? overlayArea(timeline.profile, { platformZones: timeline.safeArea !== false });
  const overlays = timeline.overlays.flatMap((o) => (o.kind === 'text' ? [o] : []));
  const texts = new Map<string, string[]>();
  for (const overlay of overlays) {
    const family = parseFontPattern(overlay.font).family;
    texts.set(family, [...(texts.get(family) ?? []), overlay.text]);
  }
  const fonts = new Map<string, CaptionFonts>();
  for (const [family, familyTexts] of texts) {
    const loaded = await loadCaptionFonts(family, familyTexts, options.signal);
    fonts.set(family, loaded);
    if (loaded.resolvedFamily !== family) result.substitutes[family] = loaded.resolvedFamily;
    for (const [char, fallback] of loaded.fallbacks) result.fallbacks[char] = fallback;
    result.missing.push(...loaded.missing);
  }
  for (const layer of timelineLayers(timeline)) {
    if (layer.kind !== 'text') continue;
    const file = path.join(options.dir, `text-overlays-${layer.group}.ass`);
    const script = writeTextOverlayAss({ overlays: layer.overlays, profile: timeline.profile, fonts: (family) => fonts.get(family)!, area });
    await writeFile(file, script, 'utf8');
    result.files[layer.group] = file;
  }
  result.missing = [...new Set(result.missing)];
  return result;
}

/** Says in the job log which fonts stood in for the overlays' (as Subtitle.Auto does for captions). */
export function logTextOverlayFonts(ctx: Pick<NodeContext, 'log'>, text: TextOverlayFiles): void {
  for (const [family, resolved] of Object.entries(text.substitutes)) ctx.log.warn(`font ${family} is not installed; overlays are drawn with ${resolved}`);
  if (Object.keys(text.fallbacks).length > 0) ctx.log.info('characters the overlay fonts lack are drawn with fallback fonts', { fallbacks: text.fallbacks });
  if (text.missing.length > 0) ctx.log.warn('no installed font has some overlay characters', { characters: text.missing.join('') });
}
