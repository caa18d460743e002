import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compileTimeline } from '../../src/render/compile-ffmpeg';
import { getOutputProfile } from '../../src/render/output-profiles';
import { runFfmpeg } from '../../src/render/run-ffmpeg';
import type { Timeline } from '../../src/timeline/timeline-ir';
import { ffmpeg, grayFrame, makeChord, makeClip } from './render-fixtures';

let dir: string;
let video: string;

// A red logo half the frame wide at the bottom left of the safe area of 720x1280
// black footage: 360x144 at x 36, y 1280-256-144; the probe is a 40x40 square inside it.
const logoProbe = 'crop=40:40:150:930';
/** 0xE02020 as 8-bit gray (0.299 R + 0.587 G + 0.114 B). */
const red = 89;

const timeline = (): Timeline => ({
  kind: 'timeline',
  profile: getOutputProfile('9x16_720p', { preset: 'ultrafast' }),
  durationSeconds: 3,
  clips: [{ source: 'clip', inPoint: 0, start: 0, end: 3 }],
  overlays: [{ kind: 'image', source: 'logo', start: 0.5, end: 2.5, position: 'bottom-left', animation: 'fade', widthFraction: 0.5, z: 5 }],
  audio: { voice: { source: 'voice', gainDb: 0 }, loudnessLufs: -14 },
  thumbnailAt: 1,
});

async function meanLevel(seconds: number): Promise<number> {
  const pixels = await grayFrame(video, seconds, logoProbe);
  return pixels.reduce((sum, p) => sum + p, 0) / pixels.length;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fenta-fade-'));
  const inputs = { clip: path.join(dir, 'clip.mp4'), voice: path.join(dir, 'voice.wav'), logo: path.join(dir, 'logo.png') };
  await Promise.all([
    makeClip(inputs.clip, 'color', 3.5, '320x180'),
    makeChord(inputs.voice, 3),
    ffmpeg(['-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=0xE02020:s=200x80', '-frames:v', '1', inputs.logo]),
  ]);
  video = path.join(dir, 'video.mp4');
  await runFfmpeg(compileTimeline(timeline(), { inputs, audio: inputs.voice, output: video }).args);
}, 30_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a fading image overlay, decoded once and repeated', () => {
  it('is absent before its start, fades in over 0.4 s, stays opaque, and fades out before its end', async () => {
    const levels = await Promise.all([0.3, 0.7, 1.5, 2.3, 2.8].map(meanLevel));
    const [before, fadingIn, opaque, fadingOut, after] = levels.map((l) => Math.round(l));
    expect(before).toBeLessThanOrEqual(2);
    expect(Math.abs(opaque! - red)).toBeLessThanOrEqual(3);
    // Half-way through each 0.4 s fade the logo is half transparent over black.
    expect(Math.abs(fadingIn! - red / 2)).toBeLessThanOrEqual(6);
    expect(Math.abs(fadingOut! - red / 2)).toBeLessThanOrEqual(6);
    expect(after).toBeLessThanOrEqual(2);
  });
});
