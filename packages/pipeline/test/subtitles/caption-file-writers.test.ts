import { builtInTemplates } from '@fenta/db';
import type { CaptionCue } from '../../src/artifacts/artifact-types';
import { writeAss } from '../../src/subtitles/ass-writer';
import { captionGeometry } from '../../src/subtitles/caption-geometry';
import { readCaptionTemplate } from '../../src/subtitles/read-caption-template';
import { resolveCaptionStyle } from '../../src/subtitles/resolve-caption-style';
import { writeSrt } from '../../src/subtitles/srt-writer';
import { writeVtt } from '../../src/subtitles/vtt-writer';

const cues: CaptionCue[] = [
  {
    start: 0,
    end: 1.757,
    lines: ['Breaking news from', 'the city tonight.'],
    words: [
      { word: 'Breaking', start: 0, end: 0.4 },
      { word: 'news', start: 0.4, end: 0.711 },
      { word: 'from', start: 0.711, end: 0.944 },
      { word: 'the', start: 0.944, end: 1.061 },
      { word: 'city', start: 1.061, end: 1.262 },
      { word: 'tonight.', start: 1.301, end: 1.757 },
    ],
  },
  {
    start: 3661.5,
    end: 3662.9996,
    lines: ['Fish & chips <3'],
    words: [
      { word: 'Fish', start: 3661.5, end: 3661.9 },
      { word: '&', start: 3661.9, end: 3662.1 },
      { word: 'chips', start: 3662.1, end: 3662.6 },
      { word: '<3', start: 3662.6, end: 3662.9996 },
    ],
  },
];

function template(id: string) {
  const found = builtInTemplates.find((t) => t.id === id);
  if (!found) throw new Error(`no built-in template ${id}`);
  return found;
}

describe('writeSrt', () => {
  it('numbers the cues and writes HH:MM:SS,mmm times and the lines', () => {
    expect(writeSrt(cues)).toBe(
      '1\n00:00:00,000 --> 00:00:01,757\nBreaking news from\nthe city tonight.\n\n' + '2\n01:01:01,500 --> 01:01:03,000\nFish & chips <3\n\n',
    );
  });
});

describe('writeVtt', () => {
  it('writes the WEBVTT header, HH:MM:SS.mmm times and escaped text', () => {
    expect(writeVtt(cues)).toBe(
      'WEBVTT\n\n' + '00:00:00.000 --> 00:00:01.757\nBreaking news from\nthe city tonight.\n\n' + '01:01:01.500 --> 01:01:03.000\nFish &amp; chips &lt;3\n\n',
    );
  });
});

describe('writeAss', () => {
  it("writes the sample template's boxed style and one event per cue for clean_box", () => {
    const { frame, style: templateStyle } = readCaptionTemplate(template('tmpl_shorts_v1'));
    const style = resolveCaptionStyle('clean_box', templateStyle, frame);
    const ass = writeAss({ cues, style, frame, geometry: captionGeometry(frame, style) });
    expect(ass.split('\n')).toEqual([
      '[Script Info]',
      '; Captions laid out for this frame: lines are already broken to fit it.',
      'ScriptType: v4.00+',
      'PlayResX: 1080',
      'PlayResY: 1920',
      'WrapStyle: 2',
      'ScaledBorderAndShadow: yes',
      'YCbCr Matrix: None',
      '',
      '[V4+ Styles]',
      'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
      // Inter 88 px, bold, white on a black box (BorderStyle 3, 22 px padding), shadow 5, bottom centre (2), 151 px from the sides
      // (the right button column's 14 %, on both sides to stay centred) and 420 px from the bottom (above the bottom zone's 384).
      'Style: Caption,Inter,88,&H00FFFFFF,&H0000D4FF,&H00000000,&H80000000,-1,0,0,0,100,100,0,0,3,22,5,2,151,151,420,1',
      '',
      '[Events]',
      'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
      'Dialogue: 0,0:00:00.00,0:00:01.76,Caption,,0,0,0,,Breaking news from\\Nthe city tonight.',
      'Dialogue: 0,1:01:01.50,1:01:03.00,Caption,,0,0,0,,Fish & chips <3',
      '',
    ]);
  });

  it('times karaoke events to the words: each word highlighted and bouncing from its start to its end', () => {
    const { frame, style: templateStyle } = readCaptionTemplate(template('tmpl_karaoke_v1'));
    const style = resolveCaptionStyle('karaoke_bounce', templateStyle, frame);
    const ass = writeAss({ cues: cues.slice(0, 1), style, frame, geometry: captionGeometry(frame, style) });
    // Inter 96 px, outlined (BorderStyle 1), centred (5), no vertical margin (libass centres it in the frame).
    expect(ass).toContain('\nStyle: Caption,Inter,96,&H00FFFFFF,&H0000D4FF,&H00000000,&H80000000,-1,0,0,0,100,100,0,0,1,8,6,5,151,151,0,1\n');
    const events = ass.split('\n').filter((line) => line.startsWith('Dialogue: '));
    expect(events).toEqual([
      'Dialogue: 0,0:00:00.00,0:00:00.40,Caption,,0,0,0,,{\\1c&H00D4FF&\\t(0,90,\\fscx115\\fscy115)\\t(90,180,\\fscx100\\fscy100)}Breaking{\\r} news from\\Nthe city tonight.',
      'Dialogue: 0,0:00:00.40,0:00:00.71,Caption,,0,0,0,,Breaking {\\1c&H00D4FF&\\t(0,90,\\fscx115\\fscy115)\\t(90,180,\\fscx100\\fscy100)}news{\\r} from\\Nthe city tonight.',
      'Dialogue: 0,0:00:00.71,0:00:00.94,Caption,,0,0,0,,Breaking news {\\1c&H00D4FF&\\t(0,90,\\fscx115\\fscy115)\\t(90,180,\\fscx100\\fscy100)}from{\\r}\\Nthe city tonight.',
      'Dialogue: 0,0:00:00.94,0:00:01.06,Caption,,0,0,0,,Breaking news from\\N{\\1c&H00D4FF&\\t(0,59,\\fscx115\\fscy115)\\t(59,117,\\fscx100\\fscy100)}the{\\r} city tonight.',
      'Dialogue: 0,0:00:01.06,0:00:01.26,Caption,,0,0,0,,Breaking news from\\Nthe {\\1c&H00D4FF&\\t(0,90,\\fscx115\\fscy115)\\t(90,180,\\fscx100\\fscy100)}city{\\r} tonight.',
      // The pause between "city" and "tonight." shows the cue with nothing highlighted.
      'Dialogue: 0,0:00:01.26,0:00:01.30,Caption,,0,0,0,,Breaking news from\\Nthe city tonight.',
      'Dialogue: 0,0:00:01.30,0:00:01.76,Caption,,0,0,0,,Breaking news from\\Nthe city {\\1c&H00D4FF&\\t(0,90,\\fscx115\\fscy115)\\t(90,180,\\fscx100\\fscy100)}tonight.{\\r}',
    ]);
  });

  it('switches font for runs the caption font lacks and keeps braces and backslashes literal', () => {
    const { frame, style: templateStyle } = readCaptionTemplate(template('tmpl_shorts_v1'));
    const style = resolveCaptionStyle('clean_box', templateStyle, frame);
    const cue: CaptionCue = { start: 0, end: 1, lines: ['Shalom שלום {x} a\\N'], words: [] };
    const fontRuns = (text: string) => [
      { text: text.slice(0, 7), family: 'Inter' },
      { text: text.slice(7, 12), family: 'Noto Sans Hebrew' },
      { text: text.slice(12), family: 'Inter' },
    ];
    const ass = writeAss({ cues: [cue], style, frame, geometry: captionGeometry(frame, style), fontRuns });
    expect(ass).toContain('\nDialogue: 0,0:00:00.00,0:00:01.00,Caption,,0,0,0,,Shalom {\\fnNoto Sans Hebrew}שלום {\\fnInter}\\{x\\} a\\\u2060N\n');
  });
  it('draws a cue whose one word is wider than a line smaller, by the ratio of the widths, and so inside the frame', () => {
    const frame = { width: 1080, height: 1920 };
    const style = resolveCaptionStyle('clean_box', undefined, frame);
    const geometry = captionGeometry(frame, style);
    const word = 'Donaudampfschifffahrtsgesellschaftskapitän';
    const lineWidth = (words: string[]) => (words.join(' ') === word ? geometry.maxLineWidth * 1.25 : 100);
    const ass = writeAss({ cues: [{ start: 0, end: 1, lines: [word], words: [{ word, start: 0, end: 1 }] }], style, frame, geometry, lineWidth });
    expect(ass).toContain(`\nDialogue: 0,0:00:00.00,0:00:01.00,Caption,,0,0,0,,{\\fscx80\\fscy80}${word}\n`);
  });

  it('keeps the words of a karaoke line in a spaceless script together, and the fitted scale through each highlight', () => {
    const frame = { width: 1080, height: 1920 };
    const style = resolveCaptionStyle('karaoke_bounce', undefined, frame);
    const geometry = captionGeometry(frame, style);
    const words = [
      { word: '東京', start: 0, end: 0.5 },
      { word: 'タワー', start: 0.5, end: 1 },
    ];
    const ass = writeAss({ cues: [{ start: 0, end: 1, lines: ['東京タワー'], words }], style, frame, geometry, lineWidth: () => geometry.maxLineWidth * 2 });
    expect(ass.split('\n').filter((line) => line.startsWith('Dialogue: '))).toEqual([
      'Dialogue: 0,0:00:00.00,0:00:00.50,Caption,,0,0,0,,{\\fscx50\\fscy50}{\\1c&H00D4FF&\\t(0,90,\\fscx57\\fscy57)\\t(90,180,\\fscx50\\fscy50)}東京{\\r}{\\fscx50\\fscy50}タワー',
      'Dialogue: 0,0:00:00.50,0:00:01.00,Caption,,0,0,0,,{\\fscx50\\fscy50}東京{\\1c&H00D4FF&\\t(0,90,\\fscx57\\fscy57)\\t(90,180,\\fscx50\\fscy50)}タワー{\\r}{\\fscx50\\fscy50}',
    ]);
  });
});
