import { builtInTemplates } from '@fenta/db';
import type { SentenceTiming } from '../../src/artifacts/artifact-types';
import { buildCaptionCues, type CueLayout } from '../../src/subtitles/build-caption-cues';
import { loadCaptionFonts } from '../../src/subtitles/caption-fonts';
import { captionGeometry } from '../../src/subtitles/caption-geometry';
import { readCaptionTemplate } from '../../src/subtitles/read-caption-template';
import { resolveCaptionStyle } from '../../src/subtitles/resolve-caption-style';
import { splitSentenceWords } from '../../src/providers/tts/split-sentence-words';
import { joinWords } from '../../src/text/join-words';

/** A sentence whose words follow each other at the given durations, from `start`. */
function sentence(text: string, start: number, secondsPerWord: number, beat = 0): SentenceTiming {
  const at = (i: number) => Math.round((start + i * secondsPerWord) * 1000) / 1000;
  const words = text.split(' ').map((word, i) => ({ word, start: at(i), end: at(i + 1) }));
  return { text, start, end: words[words.length - 1]!.end, beat, words };
}

/** Every character 20 px wide: a line of 30 characters is 600 px. */
const monospace: Omit<CueLayout, 'maxLineWidth'> = {
  maxCharsPerLine: 42,
  maxLines: 2,
  maxCueSeconds: 3,
  lineWidth: (words) => 20 * words.join(' ').length,
};

describe('buildCaptionCues', () => {
  it('breaks Japanese lines between its words, joined without spaces, each cue timed by its words', () => {
    const words = splitSentenceWords('東京タワーで新しい展示が始まりました。ぜひ来てください');
    const timed = words.map((word, i) => ({ word, start: i * 0.25, end: (i + 1) * 0.25 }));
    const cues = buildCaptionCues([{ text: joinWords(words), start: 0, end: words.length * 0.25, beat: 0, words: timed }], {
      ...monospace,
      lineWidth: (w) => 20 * [...joinWords(w)].length,
      maxLineWidth: 200,
    });
    expect(cues.map(({ start, end, lines }) => ({ start, end, lines }))).toEqual([
      // Ten characters a line at most (200 px): lines break between words, never inside one.
      { start: 0, end: 2, lines: ['東京タワーで新しい', '展示が始まりました。'] },
      { start: 2, end: 3.25, lines: ['ぜひ来てください'] },
    ]);
    expect(cues.flatMap((cue) => cue.lines).join('')).toBe('東京タワーで新しい展示が始まりました。ぜひ来てください');
  });

  it('breaks cues at sentence ends and balances two lines', () => {
    const cues = buildCaptionCues([sentence('Breaking news from the city tonight.', 0, 0.3), sentence('Crowds gathered.', 2, 0.4)], {
      ...monospace,
      maxLineWidth: 400,
    });
    expect(cues.map(({ start, end, lines }) => ({ start, end, lines }))).toEqual([
      { start: 0, end: 1.8, lines: ['Breaking news from', 'the city tonight.'] },
      { start: 2, end: 2.8, lines: ['Crowds gathered.'] },
    ]);
    expect(cues[1]!.words).toEqual([
      { word: 'Crowds', start: 2, end: 2.4 },
      { word: 'gathered.', start: 2.4, end: 2.8 },
    ]);
  });

  it('ends a full cue at a comma in its second half rather than mid-clause', () => {
    const cues = buildCaptionCues([sentence('Breaking news from the city tonight, as thousands of commuters waited', 0, 0.25)], {
      ...monospace,
      maxLineWidth: 560,
    });
    expect(cues.map((c) => c.lines)).toEqual([
      ['Breaking news from', 'the city tonight,'],
      ['as thousands of', 'commuters waited'],
    ]);
  });

  it('starts a new cue before one would last longer than 3 s', () => {
    const cues = buildCaptionCues([sentence('one two three four five six seven eight', 10, 0.5)], { ...monospace, maxLineWidth: 2000 });
    expect(cues.map(({ start, end, lines }) => ({ start, end, lines }))).toEqual([
      { start: 10, end: 13, lines: ['one two three four five six'] },
      { start: 13, end: 14, lines: ['seven eight'] },
    ]);
  });

  it('keeps each line within the character limit, the shorter line on top when both break equally well', () => {
    const cues = buildCaptionCues([sentence('aaaa bbbb cccc dddd eeee ffff gggg', 0, 0.1)], { ...monospace, maxCharsPerLine: 10, maxLineWidth: 5000 });
    expect(cues.map((c) => c.lines)).toEqual([
      ['aaaa bbbb', 'cccc dddd'],
      ['eeee', 'ffff gggg'],
    ]);
  });

  it('does not leave a one-word stub at the end of a sentence', () => {
    const cues = buildCaptionCues([sentence('aaa bbb ccc ddd eee fff ggg hhh iii', 0, 0.2)], { ...monospace, maxLineWidth: 160 });
    // Greedy filling would end with "iii" alone; it takes "hhh" along.
    expect(cues.map((c) => c.lines)).toEqual([['aaa bbb', 'ccc ddd'], ['eee', 'fff ggg'], ['hhh iii']]);
  });

  it('gives a word wider than a line a cue of its own', () => {
    const cues = buildCaptionCues([sentence('a extraordinarily b', 0, 0.5)], { ...monospace, maxLineWidth: 200 });
    expect(cues.map((c) => c.lines)).toEqual([['a'], ['extraordinarily'], ['b']]);
  });

  it("fits every line of the sample template's captions in the frame's safe area, measured with Inter's metrics", async () => {
    const sample = builtInTemplates.find((t) => t.id === 'tmpl_shorts_v1')!;
    const { frame, style: templateStyle } = readCaptionTemplate(sample);
    const style = resolveCaptionStyle('clean_box', templateStyle, frame);
    const geometry = captionGeometry(frame, style);
    const sentences = [
      sentence('Authorities confirmed tonight that the international transportation summit will reconvene tomorrow morning.', 0, 0.35),
      sentence('Meanwhile, extraordinarily unseasonable thunderstorms swept across the metropolitan waterfront.', 6, 0.3),
    ];
    const fonts = await loadCaptionFonts(
      style.font,
      sentences.flatMap((s) => s.words.map((w) => w.word)),
      new AbortController().signal,
    );
    const layout = { maxLineWidth: geometry.maxLineWidth, maxLines: 2, maxCueSeconds: 3, lineWidth: (w: string[]) => fonts.width(w.join(' '), style.size) };
    const cues = buildCaptionCues(sentences, { ...layout, maxCharsPerLine: 42 });
    // Spoken fast and with no character limit, the line width is what breaks the lines.
    const fast = buildCaptionCues(
      sentences.map((s) => sentence(s.text, s.start, 0.1)),
      { ...layout, maxCharsPerLine: 80 },
    );

    expect(geometry.maxLineWidth).toBe(1080 - 2 * 151 - 2 * 22 - 5);
    // At 88 px (capitals 2.7 % of the frame height) a line holds two or three words.
    expect(cues.map((c) => c.lines)).toEqual([
      ['Authorities', 'confirmed tonight'],
      ['that the', 'international'],
      ['transportation', 'summit will'],
      ['reconvene', 'tomorrow morning.'],
      ['Meanwhile,'],
      ['extraordinarily', 'unseasonable'],
      ['thunderstorms', 'swept across the'],
      ['metropolitan', 'waterfront.'],
    ]);
    // So the width, not the 42 characters, breaks every line: spoken fast with no character limit they break the same.
    expect(fast.map((c) => c.lines)).toEqual(cues.map((c) => c.lines));
    expect(fonts.width('international transportation summit will reconvene', style.size)).toBeGreaterThan(geometry.maxLineWidth);
    for (const cue of [...cues, ...fast]) {
      expect(cue.lines.length).toBeLessThanOrEqual(2);
      expect(cue.lines.join(' ')).toBe(cue.words.map((w) => w.word).join(' '));
      expect(cue.start).toBe(cue.words[0]!.start);
      expect(cue.end).toBe(cue.words[cue.words.length - 1]!.end);
      expect(cue.end - cue.start).toBeLessThanOrEqual(3);
      for (const line of cue.lines) expect(fonts.width(line, style.size)).toBeLessThanOrEqual(geometry.maxLineWidth);
    }
    // No cue spans the boundary between the two sentences.
    expect(cues.every((cue) => cue.end <= sentences[0]!.end || cue.start >= sentences[1]!.start)).toBe(true);
  });
});
