import type { OutputProfile, TimelineAudio } from '../timeline/timeline-ir';
import { formatSeconds } from './escape-filter-value';

/** Peak and range targets that go with the integrated loudness target (EBU R128 for streaming). */
export const truePeakDb = -1.5;
export const loudnessRange = 11;

// Ducking: music is compressed by the voice's level. A threshold of 0.02
// (-34 dBFS) sits under normal narration (espeak-ng speaks at about -20 LUFS,
// OpenAI's voices louder), and ratio 10 then pulls music down 10+ dB while
// words are spoken; the 300 ms release holds it down between words.
const duck = 'sidechaincompress=threshold=0.02:ratio=10:attack=10:release=300';

function gain(db: number): string[] {
  return db === 0 ? [] : [`volume=${db}dB`];
}

/**
 * The audio part of the filter graph, ending in `[aout]`: the voice padded
 * with silence to the video's length; music (an input looped with
 * `-stream_loop -1`) trimmed to that length, ducked under the voice (music is
 * the compressor's main input, the voice its sidechain, hence the `asplit`),
 * mixed without amix's input scaling, and normalised to the loudness target.
 *
 * Loudness is one pass of loudnorm in dynamic mode. A measuring first pass
 * would not buy loudnorm's linear mode for narration: speech peaks 17-19 dB
 * above its loudness, more than the 12.5 dB between -14 LUFS and -1.5 dBTP, so
 * loudnorm falls back to dynamic mode anyway; one pass keeps the render one
 * ffmpeg process. loudnorm works at 192 kHz inside, hence the final resample.
 */
export function audioMixGraph(audio: TimelineAudio, inputs: { voice: number; music?: number }, durationSeconds: number, profile: OutputProfile): string {
  const rate = profile.audioSampleRate;
  const normalise = [`aresample=${rate}`, 'aformat=sample_fmts=fltp:channel_layouts=stereo'];
  const duration = formatSeconds(durationSeconds);
  const loudnorm = `loudnorm=I=${audio.loudnessLufs}:TP=${truePeakDb}:LRA=${loudnessRange}`;
  const voice = [...normalise, ...gain(audio.voice.gainDb), `apad=whole_dur=${duration}`];
  const music = audio.music;
  if (!music || inputs.music === undefined) {
    return `[${inputs.voice}:a]${[...voice, loudnorm, `aresample=${rate}`].join(',')}[aout]`;
  }
  const chains = [`[${inputs.music}:a]${[...normalise, `atrim=duration=${duration}`, ...gain(music.gainDb)].join(',')}[music]`];
  if (music.duck) {
    chains.unshift(`[${inputs.voice}:a]${[...voice, 'asplit=2'].join(',')}[voice][voicekey]`);
    chains.push(`[music][voicekey]${duck}[bed]`);
  } else {
    chains.unshift(`[${inputs.voice}:a]${voice.join(',')}[voice]`);
  }
  chains.push(`[voice][${music.duck ? 'bed' : 'music'}]amix=inputs=2:duration=first:normalize=0,${loudnorm},aresample=${rate}[aout]`);
  return chains.join(';');
}
