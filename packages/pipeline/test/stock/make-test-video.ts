import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Writes a real, small H.264 MP4 (a test pattern) for the fake servers to serve. */
export async function makeTestVideo(path: string, shape: { width: number; height: number; seconds: number; fps: number }): Promise<void> {
  await run('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=s=${shape.width}x${shape.height}:r=${shape.fps}`,
    '-t',
    String(shape.seconds),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    path,
  ]);
}
