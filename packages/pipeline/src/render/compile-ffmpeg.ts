import { FentaError } from '@fenta/core';
import type { Timeline } from '../timeline/timeline-ir';
import { timelineLimits } from '../timeline/timeline-limits';
import { coverFilters } from './cover-filters';
import { escapeFilterValue, formatSeconds } from './escape-filter-value';
import { footageGraph } from './footage-graph';
import { imageOverlayFilters } from './image-overlay-filters';
import { safeArea } from './safe-area';
import { localMediaInput } from '@fenta/media';
import { timelineLayers } from './timeline-layers';

/** Where the timeline's media are on this machine, and where the video goes. */
export interface CompileOptions {
  /** Local path of every storage key the timeline names. */
  inputs: Record<string, string>;
  /** The finished soundtrack (see mixAudio), which the command only encodes. */
  audio: string;
  output: string;
  /** Fonts directory for libass; defaults to the timeline's. */
  fontsDir?: string;
  /** The ASS script of each run of text overlays, by its group (see writeTextOverlays); needed when the timeline has text overlays. */
  textOverlayFiles?: Record<number, string>;
  /** Where the same command writes the JPEG thumbnail (the frame at the timeline's `thumbnailAt`); no thumbnail when absent. */
  thumbnail?: string;
  /** The longest command line to compile, in bytes (see commandLineBytes); timelineLimits.ffmpegArgumentBytes unless told. */
  maxArgumentBytes?: number;
}

/** An ffmpeg command line without the program name. */
export interface FfmpegCommand {
  args: string[];
}

/** Options every Fenta ffmpeg run starts with: no prompt on stdin, no banner, warnings and errors only. */
const commonArgs = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'warning'];

/**
 * Compiles a timeline into ONE ffmpeg command: every clip an input cut on the
 * input side (fast seeking, only the needed seconds decoded), the footage
 * concatenated, the cover over its first frames (see coverFilters), then
 * the layers in ascending z (subtitles and text overlays burned with libass,
 * which shapes every script and falls back per glyph, images with overlay;
 * see timelineLayers), the soundtrack mixed before (see mixAudio: every
 * output of a render shares it), and the profile's encoding (H.264 High,
 * yuv420p, AAC, moov atom first for
 * progressive playback); with a
 * `thumbnail` path, also a JPEG of one frame of the finished picture.
 *
 * Pure: it reads no files and runs nothing, so the exact command is unit-tested.
 */
export function compileTimeline(timeline: Timeline, options: CompileOptions): FfmpegCommand {
  const { profile } = timeline;
  const local = (key: string): string => {
    const found = options.inputs[key];
    if (found === undefined) throw new FentaError('RENDER_FAILED', { reason: `no local file was given for ${key}` });
    return found;
  };
  const inputArgs: string[] = [];
  let inputCount = 0;
  const addInput = (path: string, before: string[] = []): number => {
    inputArgs.push(...localMediaInput(path, before));
    inputCount += 1;
    return inputCount - 1;
  };

  if (timeline.clips.length === 0) throw new FentaError('RENDER_FAILED', { reason: 'the timeline has no clips' });
  // Deblocking is about a fifth of H.264 decoding, and decoding most of a draft's work.
  const decode = profile.draft ? ['-skip_loop_filter', 'all'] : [];
  const clipInputs = timeline.clips.map((clip) =>
    addInput(local(clip.source), [...decode, '-ss', formatSeconds(clip.inPoint), '-t', formatSeconds(clip.end - clip.start)]),
  );
  const audioInput = addInput(options.audio);

  const chains = [footageGraph(timeline.clips, clipInputs, profile)];
  const fontsDir = options.fontsDir ?? timeline.fontsDir;
  const burn = (file: string) => `ass=filename=${escapeFilterValue(file)}${fontsDir ? `:fontsdir=${escapeFilterValue(fontsDir)}` : ''}`;
  // Overlays are placed in the safe area, or only the title-safe margins when the template opted out.
  const area = safeArea(profile, { platformZones: timeline.safeArea !== false });
  let current = 'base';
  if (timeline.cover) {
    const cover = coverFilters(timeline.cover, profile);
    const input = addInput(local(timeline.cover.source));
    chains.push(`[${input}:v]${cover.prepare}[cover]`, `[base][cover]${cover.overlay}[covered]`);
    current = 'covered';
  }
  timelineLayers(timeline).forEach((layer, i) => {
    const next = `layer${i}`;
    if (layer.kind === 'subtitles') {
      chains.push(`[${current}]${burn(local(layer.source))}[${next}]`);
    } else if (layer.kind === 'text') {
      const file = options.textOverlayFiles?.[layer.group];
      if (file === undefined) throw new FentaError('RENDER_FAILED', { reason: `no ASS script was given for text overlay group ${layer.group}` });
      chains.push(`[${current}]${burn(file)}[${next}]`);
    } else {
      const image = imageOverlayFilters(layer, profile, timeline.durationSeconds, area);
      const input = addInput(local(layer.source), image.inputOptions);
      chains.push(`[${input}:v]${image.prepare}[image${i}]`);
      chains.push(`[${current}][image${i}]${image.overlay}[${next}]`);
    }
    current = next;
  });
  let thumbnailArgs: string[] = [];
  if (options.thumbnail !== undefined) {
    const frame = thumbnailFrame(timeline);
    chains.push(`[${current}]split=2[video][still]`, `[still]trim=start_frame=${frame}:end_frame=${frame + 1}[thumbnail]`);
    current = 'video';
    // -update 1: one image to one file name, not an image sequence.
    thumbnailArgs = ['-map', '[thumbnail]', '-frames:v', '1', '-q:v', '3', '-update', '1', options.thumbnail];
  }

  const args = [
    ...commonArgs,
    ...inputArgs,
    '-filter_complex',
    chains.join(';'),
    '-map',
    `[${current}]`,
    '-map',
    `${audioInput}:a`,
    '-c:v',
    'libx264',
    '-preset',
    profile.preset,
    '-crf',
    String(profile.crf),
    '-maxrate',
    `${profile.maxBitrateKbps}k`,
    '-bufsize',
    `${profile.maxBitrateKbps * 2}k`,
    '-profile:v',
    'high',
    // x264's ultrafast preset turns the 8x8 transform off, and without it the
    // stream is Baseline whatever -profile asks; the other presets have it on.
    '-x264-params',
    '8x8dct=1',
    '-pix_fmt',
    'yuv420p',
    '-r',
    String(profile.fps),
    '-c:a',
    'aac',
    '-b:a',
    `${profile.audioBitrateKbps}k`,
    '-ar',
    String(profile.audioSampleRate),
    '-ac',
    '2',
    '-t',
    formatSeconds(timeline.durationSeconds),
    '-movflags',
    '+faststart',
    options.output,
    ...thumbnailArgs,
  ];
  // Edit.Timeline checks this with stand-in paths; here the real paths count, and E2BIG from spawn would say less.
  const bytes = commandLineBytes(args);
  const maxBytes = options.maxArgumentBytes ?? timelineLimits.ffmpegArgumentBytes;
  if (bytes > maxBytes) {
    throw new FentaError(
      'TIMELINE_TOO_LARGE',
      { limit: 'ffmpeg arguments', reason: `the ffmpeg command line would be ${bytes} bytes; it may be at most ${maxBytes}` },
      { details: { limit: 'ffmpegArgumentBytes', value: bytes, max: maxBytes } },
    );
  }
  return { args };
}

/** Bytes an argument list takes on a command line: each argument's UTF-8 and its terminating NUL. */
export function commandLineBytes(args: readonly string[]): number {
  return args.reduce((sum, arg) => sum + Buffer.byteLength(arg, 'utf8') + 1, 0);
}

/**
 * The frame of the output the thumbnail shows: the one at `thumbnailAt`, kept
 * inside the video. The thumbnail is that frame of the finished picture
 * (subtitles and overlays included), split off before encoding: a second
 * ffmpeg run reading the MP4 back would decode up to a GOP to reach it.
 */
export function thumbnailFrame(timeline: Timeline): number {
  const lastFrame = Math.max(0, Math.round(timeline.durationSeconds * timeline.profile.fps) - 1);
  return Math.min(Math.max(0, Math.round(timeline.thumbnailAt * timeline.profile.fps)), lastFrame);
}
