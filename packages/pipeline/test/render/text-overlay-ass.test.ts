import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fitTextInBox } from '../../src/render/fit-text-in-box';
import { getOutputProfile } from '../../src/render/output-profiles';
import { overlayArea, writeTextOverlayAss } from '../../src/render/text-overlay-ass';
import { loadCaptionFonts, type CaptionFonts } from '../../src/subtitles/caption-fonts';
import type { TextOverlay } from '../../src/timeline/timeline-ir';

const run = promisify(execFile);
const profile = getOutputProfile('9x16_720p');
const area = overlayArea(profile);
const overlay = (text: string, more: Partial<TextOverlay> = {}): TextOverlay => ({
  kind: 'text',
  text,
  start: 0,
  end: 3,
  position: 'top',
  animation: 'none',
  font: 'Inter:bold',
  size: 50,
  color: '#FFFFFF',
  box: true,
  z: 1,
  ...more,
});

const long = 'BREAKING: the city council votes tonight on the new harbour bridge plan';
const giant = 'Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen';
const japanese = '東京タワーで新しい展示が始まりました。ぜひ来てください';
const hostile = ['{\\fs400\\c&H0000FF&}BIG one\\Ntwo', 'hello\r\nDialogue: 0,0:00:03.00,0:00:04.00,Overlay,,0,0,0,,PWNED\u0000'];
let fonts: CaptionFonts;
let dir: string;

/** The box around the text libass draws (white, over black) at 1 s of the script, as ffmpeg's bbox filter reports it. */
async function drawnBox(script: string): Promise<{ x1: number; x2: number; y1: number; y2: number }> {
  const file = path.join(dir, `overlay-${Math.random().toString(36).slice(2)}.ass`);
  await writeFile(file, script);
  const { stderr } = await run('ffmpeg', [
    '-hide_banner',
    '-f',
    'lavfi',
    '-i',
    `color=black:s=${profile.width}x${profile.height}:d=0.1`,
    '-vf',
    `setpts=PTS+1/TB,ass=${file},bbox=min_val=200`,
    '-frames:v',
    '1',
    '-f',
    'null',
    '-',
  ]);
  const match = /x1:(\d+) x2:(\d+) y1:(\d+) y2:(\d+)/.exec(stderr);
  if (!match) throw new Error(`bbox reported nothing:\n${stderr}`);
  return { x1: Number(match[1]), x2: Number(match[2]), y1: Number(match[3]), y2: Number(match[4]) };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fenta-overlay-ass-'));
  fonts = await loadCaptionFonts('Inter', [long, giant, japanese, ...hostile], new AbortController().signal);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('writeTextOverlayAss', () => {
  it('writes a boxed headline sliding down as a box shape under its text, both moving in and fading out together', () => {
    const ass = writeTextOverlayAss({ overlays: [overlay('BREAKING STORY', { animation: 'slide-down' })], profile, fonts: () => fonts });
    const size = Math.round(50 / fonts.emPixels(1));
    expect(ass).toContain(`PlayResX: 720\nPlayResY: 1280\nWrapStyle: 2\n`);
    const events = ass.split('\n').filter((line) => line.startsWith('Dialogue: '));
    expect(events).toHaveLength(2);
    // The box: 60% black, from above the frame to 15 px around the text's resting place 15 px inside the safe area's top (below the top bar).
    expect(events[0]).toMatch(
      /^Dialogue: 0,0:00:00\.00,0:00:03\.00,Overlay,,0,0,0,,\{\\an7\\move\((\d+),(-\d+),\1,128,0,400\)\\fad\(0,400\)\\bord0\\shad0\\1c&H000000&\\1a&H66&\\p1\}m 0 0 l (\d+) 0 \3 (\d+) 0 \4\{\\p0\}$/,
    );
    expect(events[1]).toBe(
      `Dialogue: 1,0:00:00.00,0:00:03.00,Overlay,,0,0,0,,{\\an8\\move(360,${-size - 15},360,143,0,400)\\fad(0,400)\\fnInter\\fs${size}\\b700\\i0\\1c&HFFFFFF&\\bord0\\shad0}BREAKING STORY`,
    );
  });

  it('keeps text from a template inside its event: tags, line breaks and control characters are drawn or made spaces', () => {
    const ass = writeTextOverlayAss({ overlays: hostile.map((text) => overlay(text, { box: false, size: 16 })), profile, fonts: () => fonts });
    const events = ass.split('\n').filter((line) => line.startsWith('Dialogue: '));
    expect(events).toHaveLength(2);
    expect(events[0]).toMatch(/\}\\\{\\\u2060fs400\\\u2060c&H0000FF&\\\}BIG one\\\u2060Ntwo$/);
    expect(events[1]).toMatch(/\}hello Dialogue: 0,0:00:03\.00,0:00:04\.00,Overlay,,0,0,0,,PWNED$/);
    expect(ass).not.toMatch(/[\r\u0000]/);
  });
});

describe('fitTextInBox', () => {
  const options = (size: number) => ({
    size,
    minSize: Math.round(size / 2),
    maxLines: 3,
    padding: () => 10,
    width: (text: string, s: number) => fonts.width(text, s),
  });

  it('wraps a long headline onto balanced lines at the size asked for when three lines hold it', () => {
    const fit = fitTextInBox(long, area, options(40));
    expect(fit.size).toBe(40);
    expect(fit.lines.join(' ')).toBe(long);
    expect(fit.lines.length).toBeLessThanOrEqual(3);
    for (const line of fit.lines) expect(fonts.width(line, 40)).toBeLessThanOrEqual(area.width - 20);
  });

  it('lays out nothing for a text of spaces only', () => {
    expect(fitTextInBox('  ', area, options(40))).toEqual({ lines: [], size: 40, widest: 0 });
    expect(writeTextOverlayAss({ overlays: [overlay(' \n ')], profile, fonts: () => fonts })).not.toContain('Dialogue:');
  });

  it('breaks Japanese between its words, with no space added', () => {
    const fit = fitTextInBox(japanese, area, options(60));
    expect(fit.lines.length).toBeGreaterThan(1);
    expect(fit.lines.join('')).toBe(japanese);
  });

  it('draws a word wider than the box smaller, cut between its letters only when even half the size is too wide', () => {
    const shrunk = fitTextInBox(giant, area, options(34));
    expect(shrunk.lines).toEqual([giant]);
    expect(shrunk.size).toBeLessThan(34);
    expect(fonts.width(giant, shrunk.size)).toBeLessThanOrEqual(area.width - 20);
    const cut = fitTextInBox(giant, area, options(120));
    expect(cut.lines.join('')).toBe(giant);
    expect(cut.lines.length).toBeGreaterThan(1);
    for (const line of cut.lines) expect(fonts.width(line, cut.size)).toBeLessThanOrEqual(area.width - 20);
    expect(cut.lines.length * cut.size).toBeLessThanOrEqual(area.height - 20);
  });
});

describe('a long headline as libass draws it', () => {
  it.each([
    ['a sentence', long],
    ['one long word', giant],
    ['Japanese', japanese],
  ])('stays inside the overlay area (%s)', async (_name, text) => {
    const drawn = await drawnBox(writeTextOverlayAss({ overlays: [overlay(text, { size: 90, box: false })], profile, fonts: () => fonts }));
    expect(drawn.x1).toBeGreaterThanOrEqual(area.x);
    expect(drawn.x2).toBeLessThan(area.x + area.width);
    expect(drawn.y1).toBeGreaterThanOrEqual(area.y);
    expect(drawn.y2).toBeLessThan(area.y + area.height);
    // Wrapped, not one line drawn tiny: the text spans most of the area's width.
    expect(drawn.x2 - drawn.x1).toBeGreaterThan(area.width * 0.6);
  });
});
