import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { analyzeSentenceAudio } from '../../src/providers/tts/analyze-sentence-audio';
import { detectSilences } from '../../src/providers/tts/detect-silences';
import { parsePcmWav, readPcmWav } from '../../src/providers/tts/pcm-wav';

const exec = promisify(execFile);
const signal = new AbortController().signal;
const options = { signal, provider: 'test' };

let dir: string;
const file = (name: string) => path.join(dir, name);

async function ffmpeg(args: string[]): Promise<string> {
  const { stderr } = await exec('ffmpeg', ['-hide_banner', '-nostdin', '-nostats', '-y', ...args], { maxBuffer: 32 * 1024 * 1024 });
  return stderr;
}

async function ffprobeDuration(name: string): Promise<number> {
  const { stdout } = await exec('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=duration', '-of', 'csv=p=0', file(name)]);
  return Number(stdout);
}

/** What ffmpeg's own silencedetect finds in a file, silence by silence. */
async function ffmpegSilences(name: string, noiseDb: number, minSeconds: number, duration: number): Promise<Array<{ start: number; end: number }>> {
  const log = await ffmpeg(['-i', file(name), '-af', `silencedetect=noise=${noiseDb}dB:duration=${minSeconds}`, '-f', 'null', '-']);
  const starts = [...log.matchAll(/silence_start: (-?[\d.]+)/g)].map((m) => Math.max(0, Number(m[1])));
  const ends = [...log.matchAll(/silence_end: ([\d.]+)/g)].map((m) => Number(m[1]));
  return starts.map((start, i) => ({ start, end: ends[i] ?? duration }));
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fenta-pcm-wav-'));
  await exec('espeak-ng', ['-v', 'en', '-w', file('sentence.wav'), 'The panels charge during the day, and the lamps glow all night.']);
  // Stereo at 48 kHz with a LIST chunk before the samples, as ffmpeg writes it.
  await ffmpeg(['-f', 'lavfi', '-i', 'sine=f=440:d=0.5:sample_rate=48000', '-ac', '2', '-c:a', 'pcm_s16le', file('stereo.wav')]);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readPcmWav', () => {
  it("reads espeak-ng's file: its rate, channels and ffprobe's duration, and the samples ffmpeg decodes", async () => {
    const wav = await readPcmWav(file('sentence.wav'), options);
    expect(wav).toMatchObject({ sampleRate: 22_050, channels: 1 });
    expect(wav.durationSeconds).toBeCloseTo(await ffprobeDuration('sentence.wav'), 5);
    await ffmpeg(['-i', file('sentence.wav'), '-f', 's16le', '-c:a', 'pcm_s16le', file('sentence.raw')]);
    expect(Buffer.from(wav.samples.buffer).equals(await readFile(file('sentence.raw')))).toBe(true);
  });

  it("reads ffmpeg's stereo file past its LIST chunk, samples interleaved", async () => {
    const wav = await readPcmWav(file('stereo.wav'), options);
    expect(wav).toMatchObject({ sampleRate: 48_000, channels: 2, frames: 24_000, durationSeconds: 0.5 });
    expect(wav.samples).toHaveLength(48_000);
    await ffmpeg(['-i', file('stereo.wav'), '-f', 's16le', '-c:a', 'pcm_s16le', file('stereo.raw')]);
    expect(Buffer.from(wav.samples.buffer).equals(await readFile(file('stereo.raw')))).toBe(true);
  });

  it('reads a WAVE_FORMAT_EXTENSIBLE file (ffmpeg writes one for more than two channels)', async () => {
    await ffmpeg(['-i', file('stereo.wav'), '-af', 'pan=3c|c0=c0|c1=c1|c2=c0', '-c:a', 'pcm_s16le', file('three.wav')]);
    const bytes = await readFile(file('three.wav'));
    expect(bytes.readUInt16LE(bytes.indexOf('fmt ', 12, 'latin1') + 8)).toBe(0xfffe);
    const wav = parsePcmWav(bytes, 'test');
    expect(wav).toMatchObject({ sampleRate: 48_000, channels: 3, frames: 24_000 });
    await ffmpeg(['-i', file('three.wav'), '-f', 's16le', '-c:a', 'pcm_s16le', file('three.raw')]);
    expect(Buffer.from(wav.samples.buffer).equals(await readFile(file('three.raw')))).toBe(true);
  });

  it('takes the samples present when a streamed header gives a data length past the end of the file', async () => {
    const bytes = await readFile(file('sentence.wav'));
    const dataAt = bytes.indexOf('data', 12, 'latin1');
    const streamed = Buffer.from(bytes);
    streamed.writeUInt32LE(0xffffffff, dataAt + 4);
    const whole = parsePcmWav(bytes, 'test');
    const parsed = parsePcmWav(streamed, 'test');
    expect(parsed.frames).toBe(whole.frames);
    // A file cut mid-sample keeps its whole frames only.
    expect(parsePcmWav(streamed.subarray(0, streamed.length - 1), 'test').frames).toBe(whole.frames - 1);
  });

  it('skips an odd-sized chunk and its pad byte', () => {
    const fmt = Buffer.alloc(24);
    fmt.write('fmt ', 0, 'latin1');
    fmt.writeUInt32LE(16, 4);
    fmt.writeUInt16LE(1, 8);
    fmt.writeUInt16LE(1, 10);
    fmt.writeUInt32LE(8000, 12);
    fmt.writeUInt32LE(16_000, 16);
    fmt.writeUInt16LE(2, 20);
    fmt.writeUInt16LE(16, 22);
    const odd = Buffer.from('junk\u0003\u0000\u0000\u0000abc\u0000', 'latin1');
    const data = Buffer.alloc(12);
    data.write('data', 0, 'latin1');
    data.writeUInt32LE(4, 4);
    data.writeInt16LE(-32768, 8);
    data.writeInt16LE(1234, 10);
    const body = Buffer.concat([Buffer.from('WAVE', 'latin1'), fmt, odd, data]);
    const header = Buffer.alloc(8);
    header.write('RIFF', 0, 'latin1');
    header.writeUInt32LE(body.length, 4);
    const wav = parsePcmWav(Buffer.concat([header, body]), 'test');
    expect(wav).toMatchObject({ sampleRate: 8000, channels: 1, frames: 2 });
    expect([...wav.samples]).toEqual([-32768, 1234]);
  });

  it('refuses what is not 16-bit PCM WAV with PROVIDER_RESPONSE_INVALID naming what it is', async () => {
    await ffmpeg(['-i', file('stereo.wav'), '-c:a', 'pcm_f32le', file('float.wav')]);
    await ffmpeg(['-i', file('stereo.wav'), '-c:a', 'libmp3lame', file('sound.mp3')]);
    await writeFile(file('empty.wav'), '');
    await expect(readPcmWav(file('float.wav'), options)).rejects.toMatchObject({
      code: 'PROVIDER_RESPONSE_INVALID',
      message: expect.stringContaining('the audio cannot be read: it is not 16-bit PCM (format 3, 32 bits)'),
    });
    for (const name of ['sound.mp3', 'empty.wav']) {
      await expect(readPcmWav(file(name), options)).rejects.toMatchObject({
        code: 'PROVIDER_RESPONSE_INVALID',
        message: expect.stringContaining('the audio cannot be read: it is not a WAV file'),
      });
    }
    const header = (await readFile(file('sentence.wav'))).subarray(0, 36);
    expect(() => parsePcmWav(header, 'test')).toThrow('the audio cannot be read: it has no samples');
    const samplesFirst = Buffer.concat([
      Buffer.from('RIFF\u0000\u0000\u0000\u0000WAVEdata\u0002\u0000\u0000\u0000\u0001\u0000', 'latin1'),
      header.subarray(12),
    ]);
    expect(() => parsePcmWav(samplesFirst, 'test')).toThrow('the audio cannot be read: its samples come before their format');
    await expect(readPcmWav(file('missing.wav'), options)).rejects.toMatchObject({
      code: 'PROVIDER_RESPONSE_INVALID',
      message: expect.stringContaining('the audio cannot be read: ENOENT'),
    });
  });
});

describe('detectSilences', () => {
  it.each([
    [-50, 0.02],
    [-50, 0.15],
    [-30, 0.05],
  ])('finds the silences ffmpeg silencedetect finds at %d dB, %d s, to a sample', async (noiseDb, minSeconds) => {
    const wav = await readPcmWav(file('sentence.wav'), options);
    const expected = await ffmpegSilences('sentence.wav', noiseDb, minSeconds, wav.durationSeconds);
    const found = detectSilences(wav, { noiseDb, minSeconds });
    expect(expected.length).toBeGreaterThan(1);
    expect(found).toHaveLength(expected.length);
    found.forEach((silence, i) => {
      // ffmpeg prints microseconds: within half a sample is the same sample.
      expect(Math.abs(silence.start - expected[i]!.start)).toBeLessThanOrEqual(0.5 / wav.sampleRate + 1e-6);
      expect(Math.abs(silence.end - expected[i]!.end)).toBeLessThanOrEqual(0.5 / wav.sampleRate + 1e-6);
    });
  });

  it('needs every channel quiet, and reports a silence still running at the end', () => {
    const samples = Int16Array.from([0, 0, 0, 500, 0, 0, 0, 0, 0, 0]);
    const wav = { sampleRate: 10, channels: 2, frames: 5, durationSeconds: 0.5, samples };
    // Frames: (0,0) (0,500) (0,0) (0,0) (0,0).
    expect(detectSilences(wav, { noiseDb: -40, minSeconds: 0.1 })).toEqual([
      { start: 0, end: 0.1 },
      { start: 0.2, end: 0.5 },
    ]);
    expect(detectSilences(wav, { noiseDb: -40, minSeconds: 0.2 })).toEqual([{ start: 0.2, end: 0.5 }]);
  });
});

describe('analyzeSentenceAudio', () => {
  it('finds the speech between the leading and trailing silence, and the pause at the comma inside it', async () => {
    const audio = await analyzeSentenceAudio(file('sentence.wav'), options);
    const silences = await ffmpegSilences('sentence.wav', -50, 0.02, audio.durationSeconds);
    expect(audio.speechStart).toBeCloseTo(silences[0]!.start === 0 ? silences[0]!.end : 0, 3);
    expect(audio.speechEnd).toBeCloseTo(silences.at(-1)!.start, 3);
    expect(audio.silences.length).toBeGreaterThanOrEqual(1);
    expect(audio.silences.every((s) => s.start > audio.speechStart && s.end < audio.speechEnd)).toBe(true);
    // The comma's pause is the longest silence inside the sentence.
    expect(Math.max(...audio.silences.map((s) => s.end - s.start))).toBeGreaterThan(0.1);
  });

  it('refuses a sentence synthesized as silence', async () => {
    await ffmpeg(['-f', 'lavfi', '-i', 'anullsrc=r=22050:cl=mono', '-t', '0.5', '-c:a', 'pcm_s16le', file('silence.wav')]);
    await expect(analyzeSentenceAudio(file('silence.wav'), options)).rejects.toMatchObject({
      code: 'PROVIDER_RESPONSE_INVALID',
      message: expect.stringContaining('a sentence was synthesized as silence'),
    });
  });
});
