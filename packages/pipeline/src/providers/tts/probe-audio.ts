import { FentaError } from '@fenta/core';
import { ChildProcessFailure, runChildProcess } from '../../process/run-child-process';
import { localFilesOnly } from '@fenta/media';

/** An audio file's stream facts as ffprobe reports them. */
export interface AudioProbe {
  sampleRate: number;
  channels: number;
  durationSeconds: number;
}

/** Reads an audio file's sample rate, channels and duration with ffprobe; PROVIDER_RESPONSE_INVALID when it holds no audio. */
export async function probeAudio(path: string, options: { signal: AbortSignal; provider: string }): Promise<AudioProbe> {
  const { stdout } = await runChildProcess(
    'ffprobe',
    ['-v', 'error', ...localFilesOnly, '-select_streams', 'a:0', '-show_entries', 'stream=sample_rate,channels,duration:format=duration', '-of', 'json', path],
    { signal: options.signal },
  ).catch((error: unknown) => {
    if (options.signal.aborted || (error instanceof ChildProcessFailure && error.notInstalled)) throw error;
    throw new FentaError(
      'PROVIDER_RESPONSE_INVALID',
      { provider: options.provider, reason: `the audio cannot be read: ${(error as Error).message}` },
      { cause: error },
    );
  });
  const parsed = JSON.parse(stdout) as { streams?: Array<Record<string, unknown>>; format?: Record<string, unknown> };
  const stream = parsed.streams?.[0];
  const sampleRate = Number(stream?.sample_rate);
  const channels = Number(stream?.channels);
  // The stream's duration is exact for PCM; the container's is the fallback for formats that lack one.
  const durationSeconds = Number(stream?.duration ?? parsed.format?.duration);
  if (!stream || !(sampleRate > 0) || !(channels > 0) || !(durationSeconds > 0)) {
    throw new FentaError('PROVIDER_RESPONSE_INVALID', { provider: options.provider, reason: 'the audio has no playable audio stream' });
  }
  return { sampleRate, channels, durationSeconds };
}
