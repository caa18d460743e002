import { runChildProcess } from '../../process/run-child-process';
import { localMediaInput } from '@fenta/media';

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
 * Finds the silences of an audio file with ffmpeg's `silencedetect`. A
 * silence still running at the end of the file ends at `durationSeconds`.
 */
export async function detectSilences(path: string, threshold: SilenceThreshold, durationSeconds: number, signal: AbortSignal): Promise<Silence[]> {
  const filter = `silencedetect=noise=${threshold.noiseDb}dB:duration=${threshold.minSeconds}`;
  const { stderr } = await runChildProcess('ffmpeg', ['-hide_banner', '-nostats', '-nostdin', ...localMediaInput(path), '-af', filter, '-f', 'null', '-'], {
    signal,
  });
  return parseSilenceLog(stderr, durationSeconds);
}

/** Reads `silence_start` / `silence_end` pairs from silencedetect's log. */
export function parseSilenceLog(log: string, durationSeconds: number): Silence[] {
  const silences: Silence[] = [];
  let openStart: number | undefined;
  for (const match of log.matchAll(/silence_(start|end): (-?[\d.]+)/g)) {
    const time = Math.min(durationSeconds, Math.max(0, Number(match[2])));
    if (match[1] === 'start') openStart = time;
    else if (openStart !== undefined) {
      silences.push({ start: openStart, end: time });
      openStart = undefined;
    }
  }
  if (openStart !== undefined) silences.push({ start: openStart, end: durationSeconds });
  return silences;
}
