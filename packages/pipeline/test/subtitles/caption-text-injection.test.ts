import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { CaptionCue } from '../../src/artifacts/artifact-types';
import { writeAss } from '../../src/subtitles/ass-writer';
import { captionGeometry } from '../../src/subtitles/caption-geometry';
import { resolveCaptionStyle } from '../../src/subtitles/resolve-caption-style';
import { writeSrt } from '../../src/subtitles/srt-writer';
import { writeVtt } from '../../src/subtitles/vtt-writer';

const run = promisify(execFile);
const frame = { width: 1080, height: 1920 };
const style = resolveCaptionStyle('clean_box', undefined, frame);

/** A cue of one line whose words are the given texts, over [start, end]. */
function cue(start: number, end: number, words: string[]): CaptionCue {
  const step = (end - start) / words.length;
  return { start, end, lines: [words.join(' ')], words: words.map((word, i) => ({ word, start: start + i * step, end: start + (i + 1) * step })) };
}

// What a script could say: override tags and a hard line break, and a word
// carrying a line break and a whole event of its own for 3-4 s.
const injected = 'Dialogue: 0,0:00:03.00,0:00:04.00,Caption,,0,0,0,,{\\fs300}PWNED';
const hostile = [
  cue(0, 1, ['{\\fs400\\c&H0000FF&}BIG', 'one\\Ntwo']),
  cue(1.5, 2, [`hello\r\n${injected}`, 'tab\there', 'nul\u0000bell\u0007', 'sep\u2028end']),
  cue(5, 6, ['BIG', 'one', 'two']),
];

describe('caption text from a script', () => {
  it('stays inside its ASS event: one line, braces and backslashes drawn, not read', () => {
    const ass = writeAss({ cues: hostile, style, frame, geometry: captionGeometry(frame, style) });
    expect(ass.split('\n').filter((line) => line.startsWith('Dialogue: '))).toEqual([
      'Dialogue: 0,0:00:00.00,0:00:01.00,Caption,,0,0,0,,\\{\\\u2060fs400\\\u2060c&H0000FF&\\}BIG one\\\u2060Ntwo',
      'Dialogue: 0,0:00:01.50,0:00:02.00,Caption,,0,0,0,,hello Dialogue: 0,0:00:03.00,0:00:04.00,Caption,,0,0,0,,\\{\\\u2060fs300\\}PWNED tab here nul bell  sep end',
      'Dialogue: 0,0:00:05.00,0:00:06.00,Caption,,0,0,0,,BIG one two',
    ]);
    expect(ass).not.toMatch(/[\r\u0000\u0007\t\u2028]/);
  });

  it('stays inside its SRT and WebVTT cue', () => {
    const srt = writeSrt(hostile.slice(1, 2));
    expect(srt).toBe(`1\n00:00:01,500 --> 00:00:02,000\nhello ${injected} tab here nul bell  sep end\n\n`);
    const vtt = writeVtt(hostile.slice(1, 2));
    expect(vtt).toBe(`WEBVTT\n\n00:00:01.500 --> 00:00:02.000\nhello ${injected} tab here nul bell  sep end\n\n`);
  });

  describe('as libass draws it', () => {
    let dir: string;
    let file: string;

    /** The box around what libass draws at `seconds`, or undefined when it draws nothing. */
    async function drawn(seconds: number): Promise<{ w: number; h: number } | undefined> {
      const { stderr } = await run('ffmpeg', [
        '-hide_banner',
        '-f',
        'lavfi',
        '-i',
        'color=black:s=1080x1920:d=0.1',
        '-vf',
        `setpts=PTS+${seconds}/TB,subtitles=${file},bbox=min_val=40`,
        '-frames:v',
        '1',
        '-f',
        'null',
        '-',
      ]);
      const match = /\bw:(\d+) h:(\d+)/.exec(stderr);
      return match ? { w: Number(match[1]), h: Number(match[2]) } : undefined;
    }

    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'fenta-ass-text-'));
      file = path.join(dir, 'captions.ass');
      await writeFile(file, writeAss({ cues: hostile, style, frame, geometry: captionGeometry(frame, style) }));
    });

    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('shows no event the text tried to add', async () => {
      expect(await drawn(1.7)).toBeDefined();
      expect(await drawn(3.5)).toBeUndefined();
    });

    it("draws override tags and \\N as text: one line of the style's size, like plain words", async () => {
      const plain = (await drawn(5.5))!;
      const tagged = (await drawn(0.5))!;
      // A \fs400 or a line break would make it several times as tall; the braces reach a little lower than capitals.
      expect(Math.abs(tagged.h - plain.h)).toBeLessThanOrEqual(8);
      expect(tagged.w).toBeGreaterThan(plain.w);
    });
  });
});
