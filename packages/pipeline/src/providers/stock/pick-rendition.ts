import { frameOrientation } from './frame-orientation';
import type { StockRendition } from './stock-candidate';

/**
 * The rendition that fills the frame with the least waste: among files of
 * the frame's orientation (all files when none has it), the smallest one
 * that covers the frame without upscaling; when none covers it, the largest.
 * "Covers" is measured by the scale that makes the file fill the frame, so a
 * 1080x1920 file exactly fits a 1080x1920 frame and a 4K landscape file,
 * although larger, is not preferred over it.
 */
export function pickRendition(renditions: StockRendition[], frame: { width: number; height: number }): StockRendition | undefined {
  const pool = renditionPool(renditions, frame);
  const scaleOf = (r: StockRendition) => coverScale(r, frame);
  const covering = pool.filter((r) => coversFrame(r, frame));
  const ranked =
    covering.length > 0
      ? [...covering].sort((a, b) => scaleOf(b) - scaleOf(a) || a.width * a.height - b.width * b.height)
      : [...pool].sort((a, b) => scaleOf(a) - scaleOf(b) || b.width * b.height - a.width * a.height);
  return ranked[0];
}

/** The scale a file needs to fill the frame: at most 1 means no upscaling. */
function coverScale(rendition: StockRendition, frame: { width: number; height: number }): number {
  return Math.max(frame.width / rendition.width, frame.height / rendition.height);
}

/** Whether the file fills the frame without being scaled up. */
export function coversFrame(rendition: StockRendition, frame: { width: number; height: number }): boolean {
  return coverScale(rendition, frame) <= 1;
}

/**
 * The renditions to download in turn: the picked one first, then the smaller
 * ones of its pool, largest first, for when a file is over the download limit
 * (Pexels sends no sizes, so a smaller picture is the way to a smaller file).
 */
export function renditionsToTry(renditions: StockRendition[], frame: { width: number; height: number }): StockRendition[] {
  const picked = pickRendition(renditions, frame);
  if (!picked) return [];
  const area = (r: StockRendition) => r.width * r.height;
  const smaller = renditionPool(renditions, frame)
    .filter((r) => area(r) < area(picked))
    .sort((a, b) => area(b) - area(a));
  return [picked, ...smaller];
}

/** Files of the frame's orientation (all usable files when none has it). */
function renditionPool(renditions: StockRendition[], frame: { width: number; height: number }): StockRendition[] {
  const usable = renditions.filter((r) => r.url && r.width > 0 && r.height > 0);
  const orientation = frameOrientation(frame);
  const sameOrientation = usable.filter((r) => frameOrientation(r) === orientation);
  return sameOrientation.length > 0 ? sameOrientation : usable;
}
