import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compileTimeline } from '../../src/render/compile-ffmpeg';
import { getOutputProfile } from '../../src/render/output-profiles';
import { runFfmpeg } from '../../src/render/run-ffmpeg';
import type { Timeline } from '../../src/timeline/timeline-ir';
import { durationOf, ffmpeg, makeClip, rmsLevel, speak } from './render-fixtures';

// The music is a 12 kHz tone and the voice espeak-ng's, which speaks at
// 22.05 kHz and so has nothing above 11 kHz: a high-pass at 11 kHz hears the
// music alone, even while the voice speaks over it.
const musicBandHz = 11_000;
const speechStart = 2;

let dir: string;
let speechEnd: number;
const inputs: Record<string, string> = {};

function timeline(duck: boolean): Timeline {
  return {
    kind: 'timeline',
    profile: getOutputProfile('9x16_720p', { preset: 'ultrafast' }),
    durationSeconds: 7,
    clips: [{ source: 'clip', inPoint: 0, start: 0, end: 7 }],
    overlays: [],
    subtitles: { source: 'subs', z: 10 },
    audio: { voice: { source: 'voice', gainDb: 0 }, music: { source: 'music', gainDb: -12, duck }, loudnessLufs: -14 },
    thumbnailAt: 1,
  };
}

async function render(duck: boolean): Promise<string> {
  const output = path.join(dir, `duck-${duck}.mp4`);
  await runFfmpeg(compileTimeline(timeline(duck), { inputs, output }).args);
  return output;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fenta-duck-'));
  // Subtitles from a folder whose name needs every level of filter escaping.
  const awkward = path.join(dir, "subs it's: [x],y;z");
  await mkdir(awkward);
  inputs.clip = path.join(dir, 'clip.mp4');
  inputs.voice = path.join(dir, 'voice.wav');
  inputs.music = path.join(dir, 'music.wav');
  inputs.subs = path.join(awkward, 'subs.ass');
  const sentence = path.join(dir, 'sentence.wav');
  await Promise.all([
    makeClip(inputs.clip, 'testsrc2', 7.5, '320x180'),
    speak(sentence, 'The city switched its streetlights to solar power.'),
    ffmpeg(['-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=f=12000:d=8:sample_rate=48000', '-ac', '2', inputs.music]),
    writeFile(
      inputs.subs,
      '[Script Info]\nScriptType: v4.00+\nPlayResX: 720\nPlayResY: 1280\n\n[Events]\nFormat: Layer, Start, End, Style, Text\nDialogue: 0,0:00:02.00,0:00:04.80,Default,Solar streetlights\n',
    ),
  ]);
  // Silence, the sentence from 2 s, silence to 7 s.
  await ffmpeg(['-loglevel', 'error', '-i', sentence, '-af', `adelay=${speechStart * 1000},apad=whole_dur=7`, inputs.voice]);
  speechEnd = speechStart + (await durationOf(sentence));
}, 30_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('music under the voice', () => {
  it('is at least 6 dB lower while the voice speaks than before it, and a mix without ducking is not', async () => {
    const [ducked, plain] = await Promise.all([render(true), render(false)]);
    // Windows clear of the attack and release around the speech.
    const before = [0.3, speechStart - 0.3] as const;
    const during = [speechStart + 0.3, speechEnd - 0.3] as const;
    const drop = async (file: string) => (await rmsLevel(file, ...before, musicBandHz)) - (await rmsLevel(file, ...during, musicBandHz));
    expect(await drop(ducked)).toBeGreaterThanOrEqual(6);
    // Without ducking only loudness normalisation moves the music: far less than ducking does.
    expect(Math.abs(await drop(plain))).toBeLessThan(3);
  });
});
