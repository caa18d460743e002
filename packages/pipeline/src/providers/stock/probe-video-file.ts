import { runMediaTool } from './run-media-tool';

/** What ffprobe measures of a video file. */
export interface VideoProbe {
  width: number;
  height: number;
  durationSeconds: number;
  fps: number;
}

/**
 * Measures a video file with ffprobe: the first video stream's size and
 * frame rate and the container's duration. Undefined when the file has no
 * readable video stream.
 */
export async function probeVideoFile(path: string, signal: AbortSignal): Promise<VideoProbe | undefined> {
  let stdout: string;
  try {
    ({ stdout } = await runMediaTool(
      'ffprobe',
      ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height,avg_frame_rate,r_frame_rate:format=duration', '-of', 'json', path],
      signal,
    ));
  } catch (error) {
    if (signal.aborted) throw error;
    return undefined;
  }
  const parsed = JSON.parse(stdout) as {
    streams?: Array<{ width?: number; height?: number; avg_frame_rate?: string; r_frame_rate?: string }>;
    format?: { duration?: string };
  };
  const stream = parsed.streams?.[0];
  const durationSeconds = Number(parsed.format?.duration);
  if (!stream?.width || !stream.height || !Number.isFinite(durationSeconds)) return undefined;
  const fps = parseRate(stream.avg_frame_rate) ?? parseRate(stream.r_frame_rate) ?? 0;
  return { width: stream.width, height: stream.height, durationSeconds, fps };
}

// ffprobe writes rates as fractions ("30000/1001"); "0/0" means unknown.
function parseRate(rate: string | undefined): number | undefined {
  if (!rate) return undefined;
  const [numerator, denominator] = rate.split('/').map(Number);
  if (!numerator || !denominator) return undefined;
  return Math.round((numerator / denominator) * 1000) / 1000;
}
