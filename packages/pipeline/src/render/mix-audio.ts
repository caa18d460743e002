import { rename, rm } from 'node:fs/promises';
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
  /** Gain rounds run one after another: the first tries two gains side by side, each later one a gain of its own. */
  gainRounds: number;
}

/** Every output profile so far plays 48 kHz; the encoder resamples for one that does not. */
const mixSampleRate = 48_000;

/** Gain passes at most: each takes well under a second per minute of audio. */
const maxGainPasses = 4;

/**
 * What limiting usually takes off the loudness (espeak-ng's voice: about 0.5
 * LU). The first round runs the measured gain and the gain plus this side by
 * side, one ffmpeg each (one core each: the filters are single-threaded), so
 * that usual case costs one pass of wall time instead of two in a row.
 */
const expectedLimiterLossLu = 0.5;

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
 * and a true-peak limiter (see loudnessGainFilters), measured again. The
 * first round runs two gains at once (see expectedLimiterLossLu); while the
 * nearest result is more than 0.2 LU off the target, a further pass runs with
 * the gain the secant through the last two results gives (four passes in all
 * at most). Each render then only encodes the track. The unlevelled mix and
 * the passes not kept are removed; the caller removes the track.
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
  const passFiles: string[] = [];
  let kept = false;
  try {
    const mix = await measured(
      [...quietArgs, ...inputArgs, '-filter_complex', `${graph};[mix]${meter(false)}[out]`, '-map', '[out]', ...floatWav, mixFile],
      options.signal,
    );
    type Pass = { gainDb: number; lufs: number; truePeakDb?: number; file: string };
    const level = async (gainDb: number): Promise<Pass> => {
      const out = path.join(options.dir, `audio-pass-${passFiles.length}.wav`);
      passFiles.push(out);
      const filters = [...loudnessGainFilters(gainDb, mixSampleRate), meter(true)].join(',');
      const result = await measured([...quietArgs, '-i', mixFile, '-af', filters, ...floatWav, out], options.signal);
      return { gainDb, lufs: result.integratedLufs, truePeakDb: result.truePeakDb, file: out };
    };
    const off = (pass: Pass) => Math.abs(pass.lufs - target);
    const first = gainToTarget(mix.integratedLufs, target);
    const audible = mix.integratedLufs > silenceLufs;
    // Limiting takes more off the louder the gain makes the peaks, so the gain is searched (the loudness rises
    // monotonically with the gain). Both passes of the first round are waited for even when one fails: a
    // failed round must not remove a file the other pass is still writing.
    const round = await Promise.allSettled(audible ? [level(first), level(first + expectedLimiterLossLu)] : [level(first)]);
    const failed = round.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const passes = round.map((r) => (r as PromiseFulfilledResult<Pass>).value).sort((a, b) => off(a) - off(b));
    let [best, other] = passes as [Pass, Pass | undefined];
    let rounds = 1;
    while (audible && off(best) > loudnessToleranceLu && passFiles.length < maxGainPasses) {
      const slope = other && best.lufs !== other.lufs ? (best.gainDb - other.gainDb) / (best.lufs - other.lufs) : 1;
      const gainDb = Math.round((best.gainDb + (target - best.lufs) * Math.min(Math.max(slope, 1), 4)) * 100) / 100;
      const next = await level(gainDb);
      rounds += 1;
      [best, other] = off(next) <= off(best) ? [next, best] : [best, next];
    }
    await rename(best.file, file);
    kept = true;
    return {
      file,
      measuredLufs: mix.integratedLufs,
      gainDb: best.gainDb,
      integratedLufs: best.lufs,
      truePeakDb: best.truePeakDb ?? -Infinity,
      gainRounds: rounds,
    };
  } finally {
    await Promise.all([mixFile, ...passFiles].map((f) => rm(f, { force: true })));
    if (!kept) await rm(file, { force: true });
  }
}
