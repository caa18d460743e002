import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadCaptionFonts, type CaptionFonts } from '../../src/subtitles/caption-fonts';
import { matchBoldFontFace } from '../../src/subtitles/font-fallback';

const run = promisify(execFile);
const signal = new AbortController().signal;

/** Families fontconfig lists as covering every character of the text, asked here directly. */
async function familiesCovering(text: string, family = ''): Promise<string[]> {
  const charset = [...new Set([...text.replace(/\s/g, '')])].map((c) => c.codePointAt(0)!.toString(16)).join(' ');
  const { stdout } = await run('fc-list', ['--format', '%{family[0]}\n', `${family}:charset=${charset}`]);
  return [...new Set(stdout.split('\n').filter(Boolean))];
}

/** The width libass really draws a line at: the bounding box of its pixels, rendered by ffmpeg's subtitles filter. */
async function renderedWidth(dir: string, fonts: CaptionFonts, text: string, size: number): Promise<number> {
  const body = fonts
    .runs(text)
    .map((run) => (run.family === fonts.family ? run.text : `{\\fn${run.family}}${run.text}{\\fn${fonts.family}}`))
    .join('');
  const script = [
    '[Script Info]',
    'ScriptType: v4.00+',
    'PlayResX: 1080',
    'PlayResY: 1920',
    'WrapStyle: 2',
    '',
    '[V4+ Styles]',
    'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
    `Style: Caption,${fonts.family},${size},&H00FFFFFF,&H00FFFFFF,&H00000000,&H00000000,-1,0,0,0,100,100,0,0,1,0,0,5,0,0,0,1`,
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
    `Dialogue: 0,0:00:00.00,0:00:01.00,Caption,,0,0,0,,${body}`,
    '',
  ].join('\n');
  const file = path.join(dir, 'line.ass');
  await writeFile(file, script);
  const { stderr } = await run('ffmpeg', [
    '-hide_banner',
    '-f',
    'lavfi',
    '-i',
    'color=black:s=1080x1920:d=0.1',
    '-vf',
    `subtitles=${file},bbox=min_val=40`,
    '-frames:v',
    '1',
    '-f',
    'null',
    '-',
  ]);
  const match = /\bw:(\d+)/.exec(stderr);
  if (!match) throw new Error(`bbox reported nothing:\n${stderr}`);
  return Number(match[1]);
}

describe('loadCaptionFonts', () => {
  // No CJK font is installed here, and Inter covers Cyrillic and Greek itself,
  // so Hebrew and Thai are the scripts whose glyphs must come from another family.
  const texts = ['Breaking news', 'Привет, мир', 'Γειά σου', 'שלום עולם', 'สวัสดี', '中文'];
  let fonts: CaptionFonts;
  let dir: string;

  beforeAll(async () => {
    fonts = await loadCaptionFonts('Inter', texts, signal);
    dir = await mkdtemp(path.join(tmpdir(), 'fenta-caption-fonts-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('resolves Inter to itself and keeps the Latin, Cyrillic and Greek it covers', async () => {
    expect(fonts.resolvedFamily).toBe('Inter');
    expect(await familiesCovering('Привет мир Γειά σου', 'Inter')).toContain('Inter');
    for (const text of ['Breaking news', 'Привет, мир', 'Γειά σου']) expect(fonts.runs(text)).toEqual([{ text, family: 'Inter' }]);
  });

  it('picks, for Hebrew and Thai, a family that really covers them', async () => {
    const hebrew = fonts.fallbacks.get('ש')!;
    const thai = fonts.fallbacks.get('ส')!;
    expect(await familiesCovering('שלום עולם')).toContain(hebrew);
    expect(await familiesCovering('สวัสดี')).toContain(thai);
    expect(await familiesCovering('שלום עולם', 'Inter')).toEqual([]);
    for (const char of [...'שלוםעולם']) expect(fonts.fallbacks.get(char)).toBe(hebrew);
    for (const char of [...'สวัสดี']) expect(fonts.fallbacks.get(char)).toBe(thai);
  });

  it('reports characters no installed font has, exactly when fontconfig lists none for them', async () => {
    const cjkInstalled = (await familiesCovering('中文')).length > 0;
    expect(fonts.missing).toEqual(cjkInstalled ? [] : ['中', '文']);
  });

  it('splits text into runs per family, spaces staying in the run they follow', () => {
    const hebrew = fonts.fallbacks.get('ש')!;
    expect(fonts.runs('News שלום עולם today')).toEqual([
      { text: 'News ', family: 'Inter' },
      { text: 'שלום עולם ', family: hebrew },
      { text: 'today', family: 'Inter' },
    ]);
  });

  it('measures lines as wide as libass draws them (within 2% and 4 px)', async () => {
    for (const text of ['Breaking news from the city tonight', 'WWW MMM', 'Привет, мир', 'News שלום עולם today']) {
      const predicted = fonts.width(text, 44);
      const rendered = await renderedWidth(dir, fonts, text, 44);
      expect(Math.abs(predicted - rendered)).toBeLessThanOrEqual(Math.max(4, 0.02 * rendered));
    }
  });
});

describe('matchBoldFontFace', () => {
  it('takes a family whose name starts with "-" as a name, not as an option of fc-match', async () => {
    const unknown = await matchBoldFontFace('No Such Family', signal);
    for (const family of ['-s', '--version', '-v']) expect(await matchBoldFontFace(family, signal)).toEqual(unknown);
  });
});
