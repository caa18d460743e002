import { spawn } from 'node:child_process';

function ffmpegStderr(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-nostats', ...args, '-f', 'null', '-'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(stderr) : reject(new Error(`ffmpeg exited ${code}: ${stderr.slice(-500)}`))));
  });
}

/** Where sound starts after silence in a media file's audio (ffmpeg silencedetect), seconds. */
export async function speechOnsets(file: string, options: { noiseDb?: number; minSilence?: number } = {}): Promise<number[]> {
  const stderr = await ffmpegStderr(['-i', file, '-vn', '-af', `silencedetect=noise=${options.noiseDb ?? -40}dB:d=${options.minSilence ?? 0.12}`]);
  const starts = [...stderr.matchAll(/silence_start: ([\d.]+)/g)].map((m) => Number(m[1]));
  const ends = [...stderr.matchAll(/silence_end: ([\d.]+)/g)].map((m) => Number(m[1]));
  // Sound from the very start counts as an onset at 0.
  return starts.length > 0 && starts[0]! > 0.05 ? [0, ...ends] : ends;
}

/** Integrated loudness (LUFS) by EBU R128. */
export async function integratedLoudness(file: string): Promise<number> {
  const stderr = await ffmpegStderr(['-i', file, '-vn', '-af', 'ebur128']);
  const match = /Integrated loudness:\s+I:\s+(-?[\d.]+) LUFS/.exec(stderr);
  if (!match) throw new Error('no loudness in ebur128 output');
  return Number(match[1]);
}
