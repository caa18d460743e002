/**
 * The limiter's ceiling. Streaming platforms ask for -1 dBTP; AAC encoding
 * adds up to about half a dB to the peaks of the limited PCM, hence the margin.
 */
export const limiterCeilingDb = -2;

/** Loudness ebur128 reports for silence (its gate's floor): such a mix gets no gain. */
export const silenceLufs = -70;

/** A mix this close to the target after limiting is left as it is (the target's tolerance is ±0.5 LU). */
export const loudnessToleranceLu = 0.2;

/** The rate the limiter works at: four times 48 kHz, so that it catches the peaks between samples too (true peak). */
const oversampledRate = 192_000;

/** dB of linear gain that brings a mix measured at `measuredLufs` to `targetLufs`; none for silence. */
export function gainToTarget(measuredLufs: number, targetLufs: number): number {
  if (!Number.isFinite(measuredLufs) || measuredLufs <= silenceLufs) return 0;
  return Math.round((targetLufs - measuredLufs) * 100) / 100;
}

/**
 * Linear gain, then a true-peak limiter. Narration peaks 17-19 dB above its
 * loudness, more than the 12-13 dB between -14 LUFS and the ceiling, so gain
 * alone would clip; the limiter takes those few peaks down (a 1 ms look-ahead,
 * `latency` keeping the audio in time, `level=0` so it does not raise the
 * result back to full scale) and leaves everything under the ceiling as the
 * gain made it. Limiting lowers the loudness a little (about 0.5 LU for
 * espeak-ng's voice), which the caller corrects with a second gain.
 */
export function loudnessGainFilters(gainDb: number, sampleRate: number): string[] {
  const ceiling = 10 ** (limiterCeilingDb / 20);
  return [
    `volume=${gainDb}dB`,
    `aresample=${oversampledRate}`,
    `alimiter=limit=${ceiling.toFixed(4)}:attack=1:release=50:level=0:latency=1`,
    `aresample=${sampleRate}`,
  ];
}

/** Integrated loudness (LUFS) and, when measured, true peak (dBTP) from the summary ffmpeg's ebur128 filter logs when it closes. */
export function parseEbur128Summary(stderr: string): { integratedLufs: number; truePeakDb?: number } | undefined {
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const integrated = /I:\s+(-?\d+(?:\.\d+)?) LUFS/.exec(summary);
  if (!integrated) return undefined;
  const peak = /Peak:\s+(-?\d+(?:\.\d+)?|-inf) dBFS/.exec(summary);
  return {
    integratedLufs: Number(integrated[1]),
    ...(peak ? { truePeakDb: peak[1] === '-inf' ? -Infinity : Number(peak[1]) } : {}),
  };
}
