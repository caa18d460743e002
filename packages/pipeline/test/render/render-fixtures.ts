import { execFile } from 'node:child_process';
import { open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Runs ffmpeg quietly and returns its stderr (where filters such as ebur128 and astats report). */
export async function ffmpeg(args: string[]): Promise<string> {
  const { stderr } = await exec('ffmpeg', ['-hide_banner', '-nostdin', '-nostats', '-y', ...args], { maxBuffer: 32 * 1024 * 1024 });
  return stderr;
}

/** A short H.264 clip from one of ffmpeg's test sources (`testsrc2`, `mandelbrot`, `smptehdbars`, or one with options: `color=c=white`). */
export async function makeClip(file: string, source: string, seconds: number, size = '640x360'): Promise<void> {
  await ffmpeg([
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    `${source}${source.includes('=') ? ':' : '='}s=${size}:r=30`,
    '-t',
    String(seconds),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    file,
  ]);
}

/** Real speech: espeak-ng saying the sentence into a WAV (22.05 kHz mono). */
export async function speak(file: string, text: string): Promise<void> {
  await exec('espeak-ng', ['-v', 'en', '-w', file, text]);
}

/**
 * A narration of two sentences spoken by espeak-ng, one after the other, in
 * `dir/voice.wav`, with `dir/captions.ass` showing each while it is spoken.
 * Returns each sentence's length in seconds, measured on its own recording.
 */
export async function speakNarration(dir: string, sentences: readonly [string, string]): Promise<[number, number]> {
  const file = (name: string) => path.join(dir, name);
  await Promise.all([speak(file('s1.wav'), sentences[0]), speak(file('s2.wav'), sentences[1])]);
  await ffmpeg(['-loglevel', 'error', '-i', file('s1.wav'), '-i', file('s2.wav'), '-filter_complex', '[0][1]concat=n=2:v=0:a=1', file('voice.wav')]);
  const [d1, d2] = await Promise.all([durationOf(file('s1.wav')), durationOf(file('s2.wav'))]);
  const at = (s: number) => `0:00:0${s.toFixed(2)}`;
  await writeFile(
    file('captions.ass'),
    assFile([
      [at(0), at(d1), sentences[0]],
      [at(d1), at(d1 + d2), sentences[1]],
    ]),
  );
  return [d1, d2];
}

/** A soft A-major chord (A3, C#4, E4) of `seconds`, stereo 48 kHz: stand-in background music. */
export async function makeChord(file: string, seconds: number): Promise<void> {
  const tone = (f: number) => ['-f', 'lavfi', '-i', `sine=f=${f}:d=${seconds}:sample_rate=48000`];
  await ffmpeg([
    '-loglevel',
    'error',
    ...tone(220),
    ...tone(277.18),
    ...tone(329.63),
    '-filter_complex',
    '[0][1][2]amix=inputs=3:normalize=0,volume=0.25',
    '-ac',
    '2',
    file,
  ]);
}

/** One frame at `seconds` (an image's only frame when undefined), filtered (e.g. cropped), as 8-bit gray pixels. */
export async function grayFrame(file: string, seconds: number | undefined, filter: string): Promise<Buffer> {
  const seek = seconds === undefined ? [] : ['-ss', String(seconds)];
  const { stdout } = await exec(
    'ffmpeg',
    ['-hide_banner', '-nostdin', '-loglevel', 'error', ...seek, '-i', file, '-frames:v', '1', '-vf', `${filter},format=gray`, '-f', 'rawvideo', 'pipe:1'],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

/** Mean absolute difference of two equally sized gray images, 0..255. */
export function meanAbsoluteDifference(a: Buffer, b: Buffer): number {
  if (a.length !== b.length || a.length === 0) throw new Error(`images differ in size: ${a.length} and ${b.length} bytes`);
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/** A file's duration according to ffprobe. */
export async function durationOf(file: string): Promise<number> {
  const { stdout } = await exec('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
  return Number(stdout.trim());
}

/** Integrated loudness (LUFS) of a file's audio, by ffmpeg's EBU R128 meter. */
export async function integratedLoudness(file: string): Promise<number> {
  const stderr = await ffmpeg(['-i', file, '-map', '0:a', '-af', 'ebur128', '-f', 'null', '-']);
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const match = /I:\s+(-?\d+(?:\.\d+)?) LUFS/.exec(summary);
  if (!match) throw new Error(`no integrated loudness in ffmpeg's output:\n${stderr}`);
  return Number(match[1]);
}

/** True peak (dBTP) of a file's audio, by ffmpeg's EBU R128 meter (4x oversampled). */
export async function truePeak(file: string): Promise<number> {
  const stderr = await ffmpeg(['-i', file, '-map', '0:a', '-af', 'ebur128=peak=true', '-f', 'null', '-']);
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const match = /Peak:\s+(-?\d+(?:\.\d+)?|-inf) dBFS/.exec(summary);
  if (!match) throw new Error(`no true peak in ffmpeg's output:\n${stderr}`);
  return match[1] === '-inf' ? -Infinity : Number(match[1]);
}

/** Duration of a file's first audio stream according to ffprobe. */
export async function audioDurationOf(file: string): Promise<number> {
  const { stdout } = await exec('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=duration', '-of', 'csv=p=0', file]);
  return Number(stdout.trim());
}

/** RMS level (dBFS) of the audio between two times, above `highpassHz` only when given. */
export async function rmsLevel(file: string, from: number, to: number, highpassHz?: number): Promise<number> {
  const filters = [`atrim=${from}:${to}`];
  // Three 12 dB/octave stages: steep enough to keep only what is above the cut-off.
  if (highpassHz) filters.push(...Array.from({ length: 3 }, () => `highpass=f=${highpassHz}`));
  filters.push('astats=measure_overall=RMS_level:measure_perchannel=none');
  const stderr = await ffmpeg(['-i', file, '-map', '0:a', '-af', filters.join(','), '-f', 'null', '-']);
  const match = /RMS level dB: (-?\d+(?:\.\d+)?|-inf)/.exec(stderr);
  if (!match) throw new Error(`no RMS level in ffmpeg's output:\n${stderr}`);
  return match[1] === '-inf' ? -Infinity : Number(match[1]);
}

/** The top-level MP4 boxes of a file, in order (`ftyp`, `moov`, `free`, `mdat`). */
export async function topLevelBoxes(file: string): Promise<string[]> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const boxes: string[] = [];
    const header = Buffer.alloc(16);
    let offset = 0;
    while (offset + 8 <= size) {
      await handle.read(header, 0, 16, offset);
      let boxSize = header.readUInt32BE(0);
      const type = header.toString('latin1', 4, 8);
      if (boxSize === 1) boxSize = Number(header.readBigUInt64BE(8));
      if (boxSize === 0) boxSize = size - offset;
      if (boxSize < 8) throw new Error(`box ${type} at ${offset} has size ${boxSize}`);
      boxes.push(type);
      offset += boxSize;
    }
    return boxes;
  } finally {
    await handle.close();
  }
}

/** A caption file for a 1080x1920 frame: one boxed Inter style, a dialogue line per `[start, end, text]` (ASS times). */
export function assFile(cues: Array<[string, string, string]>): string {
  return [
    '[Script Info]',
    'ScriptType: v4.00+',
    'PlayResX: 1080',
    'PlayResY: 1920',
    '',
    '[V4+ Styles]',
    'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
    'Style: Default,Inter,44,&H00FFFFFF,&H0000D4FF,&H00000000,&H80000000,1,0,0,0,100,100,0,0,3,6,0,2,60,60,120,1',
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
    ...cues.map(([start, end, text]) => `Dialogue: 0,${start},${end},Default,,0,0,0,,${text}`),
    '',
  ].join('\n');
}
