import type { OutputProfile, TimelineClip } from '../timeline/timeline-ir';
import { formatSeconds } from './escape-filter-value';

/** The middle of a picture at the frame's aspect: the largest such part, so that scaling it fills the frame. */
export function cropToFrameAspect(profile: OutputProfile): string {
  const { width: w, height: h } = profile;
  return `crop=min(iw\\,ih*${w}/${h}):min(ih\\,iw*${h}/${w})`;
}

/**
 * The footage part of the filter graph, ending in `[base]`: each clip's input
 * (already cut with input-side `-ss`/`-t`) cropped to the frame's aspect, set
 * to the output frame rate, scaled to the frame, and concatenated.
 *
 * Cropping comes before scaling so only the kept part of the picture is
 * scaled (a landscape source for a vertical frame keeps about a third), and
 * `fps` comes before `scale` so a 50/60 fps source is scaled at 30 fps. Each
 * piece ends on an exact frame count (`trim=end_frame`), after `tpad` has
 * cloned the last frame in case the source ends a frame early, so cuts land
 * where the timeline puts them and the pieces add up to its length.
 *
 * `tpad` and `trim` come before `scale`: `tpad` keeps a reference to every
 * frame it passes (the one it would clone), and a frame still referenced
 * elsewhere is not writable, so `ass` and `drawtext`, which draw into the
 * frame, copied every full-size output frame first (about 5% of the decode
 * and filter work). Before `scale` the reference is to the decoder's picture,
 * and `scale` writes a new frame that the layers can draw into. The frame
 * `tpad` may add past the end is dropped by `trim` before it is scaled.
 *
 * A draft profile scales with fast_bilinear: cheaper, and softer, which its
 * small frame hides.
 *
 * `format=yuv420p` pins the picture to x264's format from here on. ffmpeg
 * otherwise settles one format on a whole run of filters that accept many,
 * and the thumbnail's JPEG encoder asks for full-range yuvj420p: that format
 * would then reach up to the scalers, and every frame would be converted
 * back to yuv420p for the video instead of one frame for the thumbnail.
 */
export function footageGraph(clips: TimelineClip[], inputIndexes: number[], profile: OutputProfile): string {
  const { width: w, height: h, fps } = profile;
  const chains = clips.map((clip, i) => {
    const frames = Math.round((clip.end - clip.start) * fps);
    const filters = [
      cropToFrameAspect(profile),
      `fps=${fps}`,
      `tpad=stop_mode=clone:stop_duration=${formatSeconds(clip.end - clip.start)}`,
      `trim=end_frame=${frames}`,
      profile.draft ? `scale=${w}:${h}:flags=fast_bilinear` : `scale=${w}:${h}`,
      'setsar=1',
      'format=yuv420p',
    ];
    return `[${inputIndexes[i]}:v]${filters.join(',')}[v${i}]`;
  });
  const labels = clips.map((_, i) => `[v${i}]`).join('');
  if (clips.length === 1) return `${chains[0]!.slice(0, -'[v0]'.length)}[base]`;
  return [...chains, `${labels}concat=n=${clips.length}:v=1:a=0[base]`].join(';');
}
