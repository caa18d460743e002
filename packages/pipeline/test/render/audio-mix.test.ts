import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compileTimeline } from '../../src/render/compile-ffmpeg';
import { mixAudio, type MixedAudio } from '../../src/render/mix-audio';
import { getOutputProfile } from '../../src/render/output-profiles';
import { runFfmpeg } from '../../src/render/run-ffmpeg';
import type { Timeline, TimelineAudio } from '../../src/timeline/timeline-ir';
import { audioDurationOf, durationOf, ffmpeg, integratedLoudness, makeClip, rmsLevel, speak, truePeak } from './render-fixtures';

// The music is a 12 kHz tone and the voice espeak-ng's, which speaks at
// 22.05 kHz and so has nothing above 11 kHz: a high-pass at 11 kHz hears the
// music alone, even while the voice speaks over it.
const musicBandHz = 11_000;
const speechStart = 2;
const seconds = 8;

let dir: string;
let speechEnd: number;
const inputs: Record<string, string> = {};

function timeline(audio: Partial<TimelineAudio>): Timeline {
  return {
    kind: 'timeline',
    profile: getOutputProfile('9x16_720p', { preset: 'ultrafast' }),
    durationSeconds: seconds,
    clips: [{ source: 'clip', inPoint: 0, start: 0, end: seconds }],
    overlays: [],
    subtitles: { source: 'subs', z: 10 },
    audio: { voice: { source: 'voice', gainDb: 0 }, loudnessLufs: -14, ...audio },
    thumbnailAt: 1,
  };
}

const music = (source: string, duck: boolean) => ({ music: { source, gainDb: -12, duck } });

/** Mixes and renders as Output.Render does; the mixed track is removed once encoded. */
async function render(name: string, t: Timeline): Promise<{ file: string; mix: MixedAudio }> {
  const file = path.join(dir, `${name}.mp4`);
  const work = path.join(dir, name);
  await mkdir(work);
  const mix = await mixAudio(t, { inputs, dir: work });
  await runFfmpeg(compileTimeline(t, { inputs, audio: mix.file, output: file }).args);
  await rm(mix.file);
  return { file, mix };
}

/** dB the music is lower while the voice speaks than before it, in windows clear of the attack and release. */
async function musicDrop(file: string): Promise<number> {
  const before = await rmsLevel(file, 0.3, speechStart - 0.3, musicBandHz);
  const during = await rmsLevel(file, speechStart + 0.3, speechEnd - 0.3, musicBandHz);
  return before - during;
}

let ducked: { file: string; mix: MixedAudio };
let loudVoice: { file: string; mix: MixedAudio };
let plain: { file: string; mix: MixedAudio };
let voiceOnly: { file: string; mix: MixedAudio };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fenta-mix-'));
  // Subtitles from a folder whose name needs every level of filter escaping.
  const awkward = path.join(dir, "subs it's: [x],y;z");
  await mkdir(awkward);
  inputs.clip = path.join(dir, 'clip.mp4');
  inputs.voice = path.join(dir, 'voice.wav');
  inputs.loudVoice = path.join(dir, 'loud-voice.wav');
  // Shorter than the video, so it has to loop, and longer, so it has to be cut.
  inputs.shortMusic = path.join(dir, 'short-music.wav');
  inputs.longMusic = path.join(dir, 'long-music.wav');
  inputs.subs = path.join(awkward, 'subs.ass');
  const sentence = path.join(dir, 'sentence.wav');
  const tone = (d: number, file: string) => ffmpeg(['-loglevel', 'error', '-f', 'lavfi', '-i', `sine=f=12000:d=${d}:sample_rate=48000`, '-ac', '2', file]);
  await Promise.all([
    makeClip(inputs.clip, 'testsrc2', seconds + 0.5, '320x180'),
    speak(sentence, 'The city switched its streetlights to solar power.'),
    tone(3, inputs.shortMusic),
    tone(20, inputs.longMusic),
    writeFile(
      inputs.subs,
      '[Script Info]\nScriptType: v4.00+\nPlayResX: 720\nPlayResY: 1280\n\n[Events]\nFormat: Layer, Start, End, Style, Text\nDialogue: 0,0:00:02.00,0:00:04.80,Default,Solar streetlights\n',
    ),
  ]);
  // Silence, the sentence from 2 s, silence to the end; and the same 12 dB louder, as a hot recording would be.
  const place = `adelay=${speechStart * 1000},apad=whole_dur=${seconds}`;
  await ffmpeg(['-loglevel', 'error', '-i', sentence, '-af', place, inputs.voice]);
  await ffmpeg(['-loglevel', 'error', '-i', sentence, '-af', `${place},volume=12dB`, '-c:a', 'pcm_f32le', inputs.loudVoice]);
  speechEnd = speechStart + (await durationOf(sentence));
  // One after another: the machine's cores go to each render's encoder.
  ducked = await render('ducked', timeline(music('shortMusic', true)));
  // The music as far under the louder voice as under the other (12 dB up): the voice's sibilants, just under the
  // music's band, would otherwise leak into its measurement.
  loudVoice = await render('loud', timeline({ voice: { source: 'loudVoice', gainDb: 0 }, music: { source: 'longMusic', gainDb: 0, duck: true } }));
  plain = await render('plain', timeline(music('shortMusic', false)));
  voiceOnly = await render('voice', timeline({}));
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('music under the voice', () => {
  it('is at least 8 dB lower in the rendered file while espeak-ng speaks than before it', async () => {
    expect(await musicDrop(ducked.file)).toBeGreaterThanOrEqual(8);
  });

  it('is at least 8 dB lower under a voice 12 dB louder too', async () => {
    expect(await musicDrop(loudVoice.file)).toBeGreaterThanOrEqual(8);
  });

  it('keeps its level under the voice when not ducked (within the 1-2 dB the limiter takes off with the speech peaks)', async () => {
    expect(Math.abs(await musicDrop(plain.file))).toBeLessThan(2);
  });

  it('loops when shorter than the video: past its 3 s it plays at the level it began with', async () => {
    const first = await rmsLevel(plain.file, 0.3, 2.7, musicBandHz);
    const looped = await rmsLevel(plain.file, 3.3, 6.3, musicBandHz);
    expect(Math.abs(looped - first)).toBeLessThan(0.5);
  });

  it('is cut to the video when longer, and fades out linearly over the last 1.5 s', async () => {
    for (const { file } of [plain, loudVoice]) {
      expect(await audioDurationOf(file)).toBeCloseTo(seconds, 1);
      const full = await rmsLevel(file, 0.3, speechStart - 0.3, musicBandHz);
      // From 6.5 s the gain falls from 1 to 0: from 2/3 to 1/3 in the middle half second (RMS 0.51, -5.9 dB), from 1/3 to 0 in the last (0.19, -14.3 dB).
      expect(full - (await rmsLevel(file, 7, 7.5, musicBandHz))).toBeGreaterThan(4.9);
      expect(full - (await rmsLevel(file, 7, 7.5, musicBandHz))).toBeLessThan(6.9);
      expect(full - (await rmsLevel(file, 7.5, seconds, musicBandHz))).toBeGreaterThan(12);
    }
  });
});

describe('loudness of the rendered file', () => {
  it('is -14 LUFS integrated within 0.5 LU, with and without music, at most -1 dBTP', async () => {
    for (const { file } of [ducked, loudVoice, plain, voiceOnly]) {
      expect(Math.abs((await integratedLoudness(file)) + 14)).toBeLessThanOrEqual(0.5);
      expect(await truePeak(file)).toBeLessThanOrEqual(-1);
    }
  });

  it('comes from a measured linear gain: espeak-ng speaks at -20.6 LUFS, so +6.6 dB and what limiting takes off; 12 dB less for the louder voice', () => {
    expect(voiceOnly.mix.measuredLufs).toBeCloseTo(-20.6, 1);
    expect(voiceOnly.mix.gainDb).toBeGreaterThanOrEqual(6.6);
    expect(voiceOnly.mix.gainDb).toBeLessThan(8);
    expect(loudVoice.mix.measuredLufs - ducked.mix.measuredLufs).toBeCloseTo(12, 0);
    expect(loudVoice.mix.gainDb).toBeLessThan(ducked.mix.gainDb - 10);
    for (const { mix } of [ducked, loudVoice, plain, voiceOnly]) expect(Math.abs(mix.integratedLufs + 14)).toBeLessThanOrEqual(0.2);
  });

  it("levels espeak-ng's narration in one round: the measured gain and the gain plus what limiting usually takes, side by side", () => {
    expect(voiceOnly.mix.gainRounds).toBe(1);
    // Under music the limiter takes a different share, and the search goes on, within its four passes (two in the first round).
    for (const { mix } of [ducked, loudVoice, plain]) expect(mix.gainRounds).toBeLessThanOrEqual(3);
  });

  it('leaves no file but the mixed track behind', () => {
    for (const name of ['ducked', 'loud', 'plain', 'voice']) {
      expect(existsSync(path.join(dir, name, 'audio-mix.wav'))).toBe(false);
      expect(readdirSync(path.join(dir, name))).toEqual([]);
    }
  });
});
