import { rm } from 'node:fs/promises';
import path from 'node:path';
import { FentaError } from '@fenta/core';
import { localMediaInput } from '@fenta/media';
import type { Timeline } from '../timeline/timeline-ir';
import { audioMixGraph } from './audio-mix-graph';
import { gainToTarget, loudnessGainFilters, loudnessToleranceLu, parseEbur128Summary, silenceLufs } from './loudness-gain';
import { runFfmpeg } from './run-ffmpeg';

export interface MixAudioOptions {
  /** Local path of every storage key the timeline reads. */
  inputs: Record<string, string>;
  /** Where the mixed track (and the unlevelled mix on the way) is written. */
  dir: string;
  signal?: AbortSignal;
}

/** The finished soundtrack of a timeline: a float WAV at the target loudness, and what was measured on the way. */
export interface MixedAudio {
  file: string;
  /** The mix before any gain. */
  measuredLufs: number;
  gainDb: number;
  /** The finished track, as ebur128 measures it. */
  integratedLufs: number;
  truePeakDb: number;
}

/** Every output profile so far plays 48 kHz; the encoder resamples for one that does not. */
const mixSampleRate = 48_000;

/** Gain passes at most: each takes well under a second per minute of audio. */
const maxGainPasses = 4;

// ebur128 logs its per-100-ms lines at verbose level and its summary at
// info: the summary is then the end of stderr, where runFfmpeg keeps it.
const quietArgs = ['-hide_banner', '-nostdin', '-nostats', '-y', '-loglevel', 'info'];
const meter = (peak: boolean) => `ebur128=framelog=verbose${peak ? ':peak=true' : ''}`;
const floatWav = ['-c:a', 'pcm_f32le', '-f', 'wav'];

async function measured(args: string[], signal: AbortSignal | undefined): Promise<{ integratedLufs: number; truePeakDb?: number }> {
  const { stderr } = await runFfmpeg(args, { signal });
  const summary = parseEbur128Summary(stderr.join('\n'));
  if (!summary) throw new FentaError('RENDER_FAILED', { reason: `ffmpeg's loudness meter reported nothing: ${stderr.slice(-5).join('\n')}` });
  return summary;
}

/**
 * The timeline's audio, mixed once for every output of the render: first
 * the mix (see audioMixGraph) into a float WAV, its integrated loudness
 * measured on the way; then that file through a linear gain to the target
 * and a true-peak limiter (see loudnessGainFilters), measured again. While
 * limiting leaves the loudness more than 0.2 LU off the target, the gain
 * pass runs again with a corrected gain (at most four passes). Each render then only encodes
 * the track. The unlevelled mix is removed; the caller removes the track.
 */
export async function mixAudio(timeline: Timeline, options: MixAudioOptions): Promise<MixedAudio> {
  const { audio, durationSeconds } = timeline;
  const target = audio.loudnessLufs;
  const local = (key: string): string => {
    const found = options.inputs[key];
    if (found === undefined) throw new FentaError('RENDER_FAILED', { reason: `no local file was given for ${key}` });
    return found;
  };
  const inputArgs = localMediaInput(local(audio.voice.source));
  if (audio.music) inputArgs.push(...localMediaInput(local(audio.music.source), ['-stream_loop', '-1']));
  const graph = audioMixGraph(audio, { voice: 0, music: audio.music ? 1 : undefined }, durationSeconds, mixSampleRate);
  const mixFile = path.join(options.dir, 'audio-mix.wav');
  const file = path.join(options.dir, 'audio.wav');
  try {
    const mix = await measured(
      [...quietArgs, ...inputArgs, '-filter_complex', `${graph};[mix]${meter(false)}[out]`, '-map', '[out]', ...floatWav, mixFile],
      options.signal,
    );
    const level = (gainDb: number) =>
      measured([...quietArgs, '-i', mixFile, '-af', [...loudnessGainFilters(gainDb, mixSampleRate), meter(true)].join(','), ...floatWav, file], options.signal);
    // Limiting takes more off the louder the gain makes the peaks, so the gain is searched: the first from the
    // measurement, each next one by the secant through the last two (the loudness rises monotonically with the gain).
    let gainDb = gainToTarget(mix.integratedLufs, target);
    let result = await level(gainDb);
    let previous: { gainDb: number; lufs: number } | undefined;
    const audible = mix.integratedLufs > silenceLufs;
    for (let pass = 1; pass < maxGainPasses && audible && Math.abs(result.integratedLufs - target) > loudnessToleranceLu; pass += 1) {
      const slope = previous && result.integratedLufs !== previous.lufs ? (gainDb - previous.gainDb) / (result.integratedLufs - previous.lufs) : 1;
      previous = { gainDb, lufs: result.integratedLufs };
      gainDb = Math.round((gainDb + (target - result.integratedLufs) * Math.min(Math.max(slope, 1), 4)) * 100) / 100;
      result = await level(gainDb);
    }
    return { file, measuredLufs: mix.integratedLufs, gainDb, integratedLufs: result.integratedLufs, truePeakDb: result.truePeakDb ?? -Infinity };
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  } finally {
    await rm(mixFile, { force: true });
  }
}
