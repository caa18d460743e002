import type { PcmWav } from './pcm-wav';

/** A stretch of audio quieter than the threshold, in seconds from the file's start. */
export interface Silence {
  start: number;
  end: number;
}

/** How quiet, and for how long, counts as silence. */
export interface SilenceThreshold {
  /** Level below which audio is silent, in dBFS (e.g. -50). */
  noiseDb: number;
  /** Shortest silence reported, in seconds. */
  minSeconds: number;
}

/**
 * Finds the silences of PCM audio as ffmpeg's `silencedetect` does on 16-bit
 * mono samples (in process: no ffmpeg run per measurement): a run of samples
 * below the threshold in amplitude, lasting at least `minSeconds`, from its
 * first silent sample to the first that is not. A silence still running at
 * the end ends there. With more channels a frame is silent when every
 * channel is (silencedetect counts interleaved samples instead); the speech
 * measured here is mono.
 */
export function detectSilences(wav: PcmWav, threshold: SilenceThreshold): Silence[] {
  const { samples, channels, sampleRate, frames } = wav;
  // silencedetect's level for 16-bit samples: the amplitude ratio times 32767, truncated.
  const limit = Math.trunc(10 ** (threshold.noiseDb / 20) * 32767);
  const minFrames = Math.max(1, Math.round(threshold.minSeconds * sampleRate));
  const silences: Silence[] = [];
  let runStart = -1;
  const close = (end: number) => {
    if (runStart >= 0 && end - runStart >= minFrames) silences.push({ start: runStart / sampleRate, end: end / sampleRate });
    runStart = -1;
  };
  for (let frame = 0; frame < frames; frame += 1) {
    let silent = true;
    for (let c = 0; c < channels && silent; c += 1) silent = Math.abs(samples[frame * channels + c]!) < limit;
    if (silent) {
      if (runStart < 0) runStart = frame;
    } else {
      close(frame);
    }
  }
  close(frames);
  return silences;
}
