import { probeMedia } from '@fenta/media';

/** What ffprobe measures of a video file. */
export interface VideoProbe {
  width: number;
  height: number;
  durationSeconds: number;
  fps: number;
}

/**
 * Measures a downloaded or stored clip: its picture size, duration and frame
 * rate. Undefined when the file is not a readable video, so a bad clip is
 * skipped rather than failing the node.
 */
export async function probeVideoFile(path: string, signal: AbortSignal): Promise<VideoProbe | undefined> {
  try {
    const info = await probeMedia(path, { signal });
    if (!info.width || !info.height || !(info.durationSeconds > 0)) return undefined;
    return { width: info.width, height: info.height, durationSeconds: info.durationSeconds, fps: info.fps ?? 0 };
  } catch (error) {
    if (signal.aborted) throw error;
    return undefined;
  }
}
