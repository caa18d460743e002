import type { TimelineAudio } from '../timeline/timeline-ir';
import { formatSeconds } from './escape-filter-value';

// Ducking: music is compressed by the voice. The voice key is raised 24 dB
// (level_sc=16) so that any narration, espeak-ng's at about -20 LUFS or a far
// louder or quieter voice, drives the compressor deep into its range; `mix`
// then blends 20% of the uncompressed music back in, so the music sits a
// nearly constant 12-14 dB lower while words are spoken, whatever the voice's
// level. The 400 ms release holds it down between words.
const duck = 'sidechaincompress=threshold=0.01:ratio=20:attack=10:release=400:level_sc=16:mix=0.8';

/** The longest fade-out of the music at the end of the video. */
const musicFadeMaxSeconds = 1.5;

/** How long the music fades out at the end: 1.5 s, or a quarter of a video shorter than 6 s. */
export function musicFadeSeconds(durationSeconds: number): number {
  return Math.min(musicFadeMaxSeconds, durationSeconds / 4);
}

function gain(db: number): string[] {
  return db === 0 ? [] : [`volume=${db}dB`];
}

/**
 * The audio mix as a filter graph ending in `[mix]`, at `sampleRate`, stereo
 * float: the voice padded with silence to the video's length; music (an
 * input looped with `-stream_loop -1`, so a short piece repeats) trimmed to
 * that length, faded out over its end, ducked under the voice (music is the
 * compressor's main input, the voice its sidechain, hence the `asplit`), and
 * the two mixed without amix's input scaling.
 *
 * Loudness is not set here: the mix is measured, then brought to the target
 * by a linear gain and a true-peak limiter (see loudness-gain). Linear gain
 * keeps the ducking and the speech's dynamics as mixed, where loudnorm's
 * dynamic mode pumped the music back up under the voice. The limiter comes
 * after the gain because narration peaks 17-19 dB above its loudness, more
 * than the room between -14 LUFS and the peak ceiling: gain alone would clip
 * those few peaks, and loudnorm's linear mode refuses such a mix and falls
 * back to dynamic mode.
 */
export function audioMixGraph(audio: TimelineAudio, inputs: { voice: number; music?: number }, durationSeconds: number, sampleRate: number): string {
  const normalise = [`aresample=${sampleRate}`, 'aformat=sample_fmts=fltp:channel_layouts=stereo'];
  const duration = formatSeconds(durationSeconds);
  const voice = [...normalise, ...gain(audio.voice.gainDb), `apad=whole_dur=${duration}`];
  const music = audio.music;
  if (!music || inputs.music === undefined) {
    return `[${inputs.voice}:a]${[...voice, `atrim=duration=${duration}`].join(',')}[mix]`;
  }
  const fade = musicFadeSeconds(durationSeconds);
  const fadeOut = `afade=t=out:st=${formatSeconds(durationSeconds - fade)}:d=${formatSeconds(fade)}`;
  const chains = [`[${inputs.music}:a]${[...normalise, `atrim=duration=${duration}`, ...gain(music.gainDb), fadeOut].join(',')}[music]`];
  if (music.duck) {
    chains.unshift(`[${inputs.voice}:a]${[...voice, 'asplit=2'].join(',')}[voice][voicekey]`);
    chains.push(`[music][voicekey]${duck}[bed]`);
  } else {
    chains.unshift(`[${inputs.voice}:a]${voice.join(',')}[voice]`);
  }
  chains.push(`[voice][${music.duck ? 'bed' : 'music'}]amix=inputs=2:duration=first:normalize=0,atrim=duration=${duration}[mix]`);
  return chains.join(';');
}
