import { FentaError } from '@fenta/core';
import type { Timeline, TimelineOverlay } from '../timeline/timeline-ir';
import { audioMixGraph } from './audio-mix-graph';
import { escapeFilterValue, formatSeconds } from './escape-filter-value';
import { footageGraph } from './footage-graph';
import { imageOverlayFilters } from './image-overlay-filters';
import { textOverlayFilter } from './text-overlay-filter';

/** Where the timeline's media are on this machine, and where the video goes. */
export interface CompileOptions {
  /** Local path of every storage key the timeline names. */
  inputs: Record<string, string>;
  output: string;
  /** Fonts directory for libass; defaults to the timeline's. */
  fontsDir?: string;
  /** Font file of each text overlay's fontconfig pattern (see resolveFontFiles); without one, drawtext gets the pattern's family. */
  fontFiles?: Record<string, string>;
}

/** An ffmpeg command line without the program name. */
export interface FfmpegCommand {
  args: string[];
}

/** Options every Fenta ffmpeg run starts with: no prompt on stdin, no banner, warnings and errors only. */
const commonArgs = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'warning'];

type Layer = { kind: 'subtitles'; source: string; z: number } | TimelineOverlay;

/**
 * Compiles a timeline into ONE ffmpeg command: every clip an input cut on the
 * input side (fast seeking, only the needed seconds decoded), the footage
 * concatenated, then the layers in ascending z (subtitles burned with libass,
 * text with drawtext, images with overlay; ties keep subtitles first, then
 * the timeline's order), the audio mix, and the profile's encoding (H.264
 * High, yuv420p, AAC, moov atom first for progressive playback).
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
    inputArgs.push(...before, '-i', path);
    inputCount += 1;
    return inputCount - 1;
  };

  if (timeline.clips.length === 0) throw new FentaError('RENDER_FAILED', { reason: 'the timeline has no clips' });
  const clipInputs = timeline.clips.map((clip) =>
    addInput(local(clip.source), ['-ss', formatSeconds(clip.inPoint), '-t', formatSeconds(clip.end - clip.start)]),
  );
  const voiceInput = addInput(local(timeline.audio.voice.source));
  const musicInput = timeline.audio.music ? addInput(local(timeline.audio.music.source), ['-stream_loop', '-1']) : undefined;

  const chains = [footageGraph(timeline.clips, clipInputs, profile)];
  const layers: Layer[] = [
    ...(timeline.subtitles ? [{ kind: 'subtitles' as const, ...timeline.subtitles }] : []),
    ...timeline.overlays,
  ];
  // Array.prototype.sort is stable, so equal z keeps this order.
  layers.sort((a, b) => a.z - b.z);
  let current = 'base';
  layers.forEach((layer, i) => {
    const next = `layer${i}`;
    if (layer.kind === 'subtitles') {
      const fontsDir = options.fontsDir ?? timeline.fontsDir;
      const fonts = fontsDir ? `:fontsdir=${escapeFilterValue(fontsDir)}` : '';
      chains.push(`[${current}]ass=filename=${escapeFilterValue(local(layer.source))}${fonts}[${next}]`);
    } else if (layer.kind === 'text') {
      chains.push(`[${current}]${textOverlayFilter(layer, profile, options.fontFiles?.[layer.font])}[${next}]`);
    } else {
      const image = imageOverlayFilters(layer, profile, timeline.durationSeconds);
      const input = addInput(local(layer.source), image.inputOptions);
      chains.push(`[${input}:v]${image.prepare}[image${i}]`);
      chains.push(`[${current}][image${i}]${image.overlay}[${next}]`);
    }
    current = next;
  });
  chains.push(audioMixGraph(timeline.audio, { voice: voiceInput, music: musicInput }, timeline.durationSeconds, profile));

  return {
    args: [
      ...commonArgs,
      ...inputArgs,
      '-filter_complex', chains.join(';'),
      '-map', `[${current}]`,
      '-map', '[aout]',
      '-c:v', 'libx264',
      '-preset', profile.preset,
      '-crf', String(profile.crf),
      '-maxrate', `${profile.maxBitrateKbps}k`,
      '-bufsize', `${profile.maxBitrateKbps * 2}k`,
      '-profile:v', 'high',
      // x264's ultrafast preset turns the 8x8 transform off, and without it the
      // stream is Baseline whatever -profile asks; the other presets have it on.
      '-x264-params', '8x8dct=1',
      '-pix_fmt', 'yuv420p',
      '-r', String(profile.fps),
      '-c:a', 'aac',
      '-b:a', `${profile.audioBitrateKbps}k`,
      '-ar', String(profile.audioSampleRate),
      '-ac', '2',
      '-t', formatSeconds(timeline.durationSeconds),
      '-movflags', '+faststart',
      options.output,
    ],
  };
}

/**
 * One JPEG of the rendered video at the timeline's `thumbnailAt`: read from
 * the finished MP4, so the thumbnail shows exactly what the video shows
 * (subtitles and overlays included) at the cost of decoding one GOP.
 */
export function compileThumbnail(timeline: Timeline, options: { video: string; output: string }): FfmpegCommand {
  const at = Math.min(Math.max(0, timeline.thumbnailAt), Math.max(0, timeline.durationSeconds - 1 / timeline.profile.fps));
  return {
    // -update 1: one image to one file name, not an image sequence.
    args: [...commonArgs, '-ss', formatSeconds(at), '-i', options.video, '-frames:v', '1', '-q:v', '3', '-update', '1', options.output],
  };
}
