import { execFile } from 'node:child_process';
import { FentaError } from '@fenta/core';
import { localFilesOnly } from './local-media-input';

/** What ffprobe says about a media file. Fields a file does not have (no audio stream) are undefined. */
export interface MediaInfo {
  durationSeconds: number;
  /** ffprobe's name for the container, e.g. `mov,mp4,m4a,3gp,3g2,mj2`, `matroska,webm`, `png_pipe`. */
  formatName?: string;
  width?: number;
  height?: number;
  fps?: number;
  videoCodec?: string;
  audioCodec?: string;
  bitrateKbps: number;
  sizeBytes: number;
  audioSampleRate?: number;
  /** The video codec profile, e.g. `High`. */
  profile?: string;
  pixFmt?: string;
}

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  sample_rate?: string;
  profile?: string;
  pix_fmt?: string;
  disposition?: { attached_pic?: number };
}

interface ProbeOutput {
  streams?: ProbeStream[];
  format?: { format_name?: string; duration?: string; bit_rate?: string; size?: string };
}

/** `30000/1001` → 29.97; `0/0` → undefined. */
function rate(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const [num, den] = value.split('/').map(Number);
  if (!num || !den) return undefined;
  return Math.round((num / den) * 1000) / 1000;
}

/**
 * Reads ffprobe's JSON for a file (container and first video and audio
 * streams), opened as a local file only (see localFilesOnly). ffprobe runs as a child process; fluent-ffmpeg's ffprobe() is not
 * used because it takes no AbortSignal and parses ffprobe's text output
 * rather than its JSON.
 */
export async function probeMedia(file: string, options: { signal?: AbortSignal; ffprobePath?: string } = {}): Promise<MediaInfo> {
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      options.ffprobePath ?? 'ffprobe',
      ['-v', 'error', ...localFilesOnly, '-print_format', 'json', '-show_format', '-show_streams', file],
      { signal: options.signal, maxBuffer: 8 * 1024 * 1024 },
      (error, out, err) => {
        if (error) {
          if (error.name === 'AbortError') reject(options.signal?.reason ?? error);
          else reject(new FentaError('RENDER_FAILED', { reason: `ffprobe could not read ${file}: ${String(err).trim() || error.message}` }, { cause: error }));
        } else resolve(out);
      },
    );
  });
  const probe = JSON.parse(stdout) as ProbeOutput;
  const streams = probe.streams ?? [];
  // A cover image in an audio file shows up as a video stream; it is not the picture.
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const audio = streams.find((s) => s.codec_type === 'audio');
  const durationSeconds = Number(probe.format?.duration ?? 0);
  const sizeBytes = Number(probe.format?.size ?? 0);
  const bitRate = Number(probe.format?.bit_rate ?? 0);
  return {
    durationSeconds,
    formatName: probe.format?.format_name,
    width: video?.width,
    height: video?.height,
    fps: rate(video?.avg_frame_rate) ?? rate(video?.r_frame_rate),
    videoCodec: video?.codec_name,
    audioCodec: audio?.codec_name,
    bitrateKbps: Math.round((bitRate || (durationSeconds > 0 ? (sizeBytes * 8) / durationSeconds : 0)) / 1000),
    sizeBytes,
    audioSampleRate: audio?.sample_rate ? Number(audio.sample_rate) : undefined,
    profile: video?.profile,
    pixFmt: video?.pix_fmt,
  };
}
