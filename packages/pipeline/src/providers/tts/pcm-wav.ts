import { readFile } from 'node:fs/promises';
import { FentaError } from '@fenta/core';

/**
 * A 16-bit PCM WAV file: what espeak-ng writes and what Fenta's own ffmpeg
 * runs write for speech (`pcm_s16le`). Reading one here instead of asking
 * ffprobe and ffmpeg takes microseconds where each program run took about a
 * tenth of a second, and the voice measured every sentence several times.
 */
export interface PcmWav {
  sampleRate: number;
  channels: number;
  /** Sample frames (one sample per channel each). */
  frames: number;
  durationSeconds: number;
  /** Interleaved samples, channel by channel within each frame. */
  samples: Int16Array;
}

const pcmFormat = 1;
const extensibleFormat = 0xfffe;

/** Reads a 16-bit PCM WAV file; anything else is PROVIDER_RESPONSE_INVALID naming what is wrong. */
export async function readPcmWav(path: string, options: { signal: AbortSignal; provider: string }): Promise<PcmWav> {
  const bytes = await readFile(path, { signal: options.signal }).catch((error: unknown) => {
    options.signal.throwIfAborted();
    throw new FentaError(
      'PROVIDER_RESPONSE_INVALID',
      { provider: options.provider, reason: `the audio cannot be read: ${(error as Error).message}` },
      { cause: error },
    );
  });
  return parsePcmWav(bytes, options.provider);
}

/**
 * Parses a RIFF/WAVE file of 16-bit PCM (plain or WAVE_FORMAT_EXTENSIBLE).
 * A streamed WAV's header may give a data length past the end of the file
 * (the writer could not go back to fill it in): the samples present count.
 */
export function parsePcmWav(bytes: Buffer, provider: string): PcmWav {
  const invalid = (reason: string) => new FentaError('PROVIDER_RESPONSE_INVALID', { provider, reason: `the audio cannot be read: ${reason}` });
  if (bytes.length < 12 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WAVE') {
    throw invalid('it is not a WAV file');
  }
  let format: { channels: number; sampleRate: number } | undefined;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = bytes.toString('latin1', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length) throw invalid('its format chunk is cut short');
      const tag = bytes.readUInt16LE(body);
      const channels = bytes.readUInt16LE(body + 2);
      const sampleRate = bytes.readUInt32LE(body + 4);
      const bits = bytes.readUInt16LE(body + 14);
      // WAVE_FORMAT_EXTENSIBLE names the real format in the first two bytes of its sub-format GUID.
      const subFormat = tag === extensibleFormat && size >= 40 && body + 26 <= bytes.length ? bytes.readUInt16LE(body + 24) : tag;
      if (subFormat !== pcmFormat || bits !== 16) throw invalid(`it is not 16-bit PCM (format ${subFormat}, ${bits} bits)`);
      if (channels < 1 || sampleRate < 1) throw invalid(`it has ${channels} channels at ${sampleRate} Hz`);
      format = { channels, sampleRate };
    } else if (id === 'data') {
      if (!format) throw invalid('its samples come before their format');
      const frameBytes = 2 * format.channels;
      const available = Math.min(size, bytes.length - body);
      const frames = Math.floor(available / frameBytes);
      // Copied out: an Int16Array needs an even offset, which a Buffer's slice of the file need not have.
      const samples = new Int16Array(frames * format.channels);
      for (let i = 0; i < samples.length; i += 1) samples[i] = bytes.readInt16LE(body + 2 * i);
      return { ...format, frames, durationSeconds: frames / format.sampleRate, samples };
    }
    // Chunks are padded to an even length.
    at = body + size + (size % 2);
  }
  throw invalid(format ? 'it has no samples' : 'it has no format chunk');
}
