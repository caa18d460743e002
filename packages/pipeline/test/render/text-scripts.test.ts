import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { compileTimeline } from '../../src/render/compile-ffmpeg';
import { getOutputProfile } from '../../src/render/output-profiles';
import { overlayArea } from '../../src/render/text-overlay-ass';
import { writeTextOverlays } from '../../src/render/write-text-overlays';
import { splitSentenceWords } from '../../src/providers/tts/split-sentence-words';
import { writeAss } from '../../src/subtitles/ass-writer';
import { buildCaptionCues } from '../../src/subtitles/build-caption-cues';
import { loadCaptionFonts, type CaptionFonts } from '../../src/subtitles/caption-fonts';
import { captionGeometry } from '../../src/subtitles/caption-geometry';
import { matchBoldFontFace } from '../../src/subtitles/font-fallback';
import { readOpenTypeMetrics } from '../../src/subtitles/open-type-metrics';
import { resolveCaptionStyle } from '../../src/subtitles/resolve-caption-style';
import { joinWords } from '../../src/text/join-words';
import type { Timeline } from '../../src/timeline/timeline-ir';
import { ffmpeg, makeClip } from './render-fixtures';

const run = promisify(execFile);
const signal = new AbortController().signal;

/** One short per script: a headline too long for the frame at its size, and a caption sentence. */
const scripts = [
  { name: 'English', headline: 'Breaking news from the harbour tonight', caption: 'Crowds gathered at the old station.' },
  { name: 'German', headline: 'Großer Straßenumzug überrascht die Öffentlichkeit', caption: 'Schöne Grüße aus München!' },
  { name: 'Russian', headline: 'Срочные новости из морского порта', caption: 'Толпы собрались на старом вокзале.' },
  { name: 'Japanese', headline: '東京タワーで新しい展示が始まりました', caption: '今日は良い天気ですね。' },
  { name: 'Chinese', headline: '今天晚上港口传来重大新闻', caption: '我们明天去公园散步吧。' },
  { name: 'Arabic', headline: 'أخبار عاجلة من الميناء الليلة', caption: 'تجمعت الحشود في المحطة القديمة.' },
  { name: 'Hindi', headline: 'आज रात बंदरगाह से बड़ी खबर', caption: 'पुराने स्टेशन पर भीड़ जमा हुई।' },
];
const slot = 0.5;
const profile = { ...getOutputProfile('9x16_720p', { preset: 'ultrafast' }), name: 'test_180x320', width: 180, height: 320, fps: 10 };
const frame = { width: profile.width, height: profile.height };
// Captions a little larger than the preset's 8 px at this height, so that each script's glyphs are many pixels.
const style = resolveCaptionStyle('clean_box', { size: 16 }, frame);

let dir: string;
let captionFonts: CaptionFonts;
let overlayFonts: CaptionFonts;
let log: string;
let frames: Buffer[];

/** The characters of a text that draw something. */
const visible = (text: string) => [...text].filter((c) => !/[\s\p{Cf}]/u.test(c));

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fenta-scripts-'));
  const duration = scripts.length * slot;
  const clip = path.join(dir, 'black.mp4');
  const voice = path.join(dir, 'silence.wav');
  await Promise.all([
    makeClip(clip, 'color', duration, '180x320'),
    ffmpeg(['-loglevel', 'error', '-f', 'lavfi', '-i', `anullsrc=r=48000:cl=mono:d=${duration}`, voice]),
  ]);

  // The captions as Subtitle.Auto lays them out: words split per script, lines measured with the real fonts.
  const sentences = scripts.map((s, i) => {
    const words = splitSentenceWords(s.caption);
    const step = (slot * 0.8) / words.length;
    const start = i * slot + 0.05;
    return {
      text: s.caption,
      start,
      end: start + slot * 0.8,
      beat: 0,
      words: words.map((word, k) => ({ word, start: start + k * step, end: start + (k + 1) * step })),
    };
  });
  captionFonts = await loadCaptionFonts(
    style.font,
    sentences.flatMap((s) => s.words.map((w) => w.word)),
    signal,
  );
  const geometry = captionGeometry(frame, style);
  const lineWidth = (words: string[]) => captionFonts.width(joinWords(words), style.size) * 1.02;
  const cues = buildCaptionCues(sentences, { maxLineWidth: geometry.maxLineWidth, maxCharsPerLine: 42, maxLines: 2, maxCueSeconds: 3, lineWidth });
  const captions = path.join(dir, 'captions.ass');
  await writeFile(captions, writeAss({ cues, style, frame, geometry, fontRuns: (text) => captionFonts.runs(text), lineWidth }));

  const timeline: Timeline = {
    kind: 'timeline',
    profile,
    durationSeconds: duration,
    clips: [{ source: 'clip', inPoint: 0, start: 0, end: duration }],
    overlays: scripts.map((s, i) => ({
      kind: 'text' as const,
      text: s.headline,
      start: i * slot,
      end: (i + 1) * slot,
      position: 'top' as const,
      animation: 'none' as const,
      font: 'Inter:bold',
      size: 28,
      color: '#FFFFFF',
      box: true,
      z: 20,
    })),
    subtitles: { source: 'captions', z: 10 },
    audio: { voice: { source: 'voice', gainDb: 0 }, loudnessLufs: -14 },
    thumbnailAt: 0,
  };
  const text = await writeTextOverlays(timeline, { dir, signal });
  overlayFonts = await loadCaptionFonts(
    'Inter',
    scripts.map((s) => s.headline),
    signal,
  );
  const output = path.join(dir, 'scripts.mp4');
  const { args } = compileTimeline(timeline, { inputs: { clip, captions }, audio: voice, output, textOverlayFiles: text.files });
  // The same command, with libass saying which font it takes for each glyph.
  args[args.indexOf('-loglevel') + 1] = 'verbose';
  log = (await run('ffmpeg', args, { maxBuffer: 64 * 1024 * 1024 })).stderr;
  // Every frame as gray pixels; each script's is the one in the middle of its slot.
  const raw = (
    await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', output, '-vf', 'format=gray', '-f', 'rawvideo', 'pipe:1'], {
      encoding: 'buffer',
      maxBuffer: 64 * 1024 * 1024,
    })
  ).stdout;
  const size = profile.width * profile.height;
  frames = scripts.map((_, i) => {
    const at = Math.round((i + 0.5) * slot * profile.fps);
    return raw.subarray(at * size, (at + 1) * size);
  });
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('text in every script', () => {
  it('has a font with a real glyph for every character: each run is drawn with a face whose cmap maps each of its characters', async () => {
    const unmapped: string[] = [];
    const faces = new Map<string, ReturnType<typeof readOpenTypeMetrics>>();
    const check = async (fonts: CaptionFonts, text: string) => {
      for (const run of fonts.runs(text)) {
        if (!faces.has(run.family)) {
          const face = await matchBoldFontFace(run.family, signal);
          faces.set(run.family, readOpenTypeMetrics(await readFile(face.file), face.index));
        }
        for (const char of visible(run.text)) if (faces.get(run.family)!.advance(char.codePointAt(0)!) === undefined) unmapped.push(`${char} in ${run.family}`);
      }
    };
    for (const s of scripts) {
      await check(overlayFonts, s.headline);
      await check(captionFonts, s.caption);
    }
    expect(unmapped).toEqual([]);
    expect([...captionFonts.missing, ...overlayFonts.missing]).toEqual([]);
  });

  it('is drawn by libass in the fonts named for it, with no glyph left to look for and none missing', () => {
    expect(log).toMatch(/fontselect: \(Inter, 700, 0\)/);
    expect(log).toMatch(/fontselect: \(Noto Sans CJK \w+, 700, 0\)/);
    expect(log).toMatch(/fontselect: \(Noto Sans Devanagari, 700, 0\)/);
    expect(log).not.toMatch(/Glyph 0x[0-9A-F]+ not found/i);
    expect(log).not.toMatch(/fallback/i);
  });

  it.each(scripts.map((s, i) => [s.name, i]))('stays inside the frame, headline and caption both drawn (%s)', (_name, i) => {
    const pixels = frames[i as number]!;
    const { width, height } = profile;
    const area = overlayArea(profile);
    const at = (x: number, y: number) => pixels[y * width + x]!;
    let edge = 0;
    let headline = 0;
    let caption = 0;
    for (let y = 0; y < height; y += 1) {
      for (const x of [0, 1, width - 2, width - 1]) edge = Math.max(edge, at(x, y));
      for (let x = 0; x < width; x += 1) {
        if (at(x, y) < 200) continue;
        if (y < height / 2) headline += 1;
        else caption += 1;
      }
    }
    // Nothing white reaches the frame's sides (black is 16 in video range; a little ringing is allowed).
    expect(edge).toBeLessThan(48);
    expect(headline).toBeGreaterThan(100);
    expect(caption).toBeGreaterThan(50);
    expect(area.x).toBeGreaterThan(2);
  });

  it('shapes Arabic: drawn joined, unlike the same line with shaping turned off', async () => {
    const file = path.join(dir, 'text-overlays-0.ass');
    const md5 = async (shaping: string) =>
      (
        await run('ffmpeg', [
          '-hide_banner',
          '-loglevel',
          'error',
          '-f',
          'lavfi',
          '-i',
          'color=black:s=180x320:d=0.1',
          '-vf',
          `setpts=PTS+${5 * slot + slot / 2}/TB,ass=filename=${file}:shaping=${shaping}`,
          '-frames:v',
          '1',
          '-f',
          'md5',
          '-',
        ])
      ).stdout.trim();
    expect(await md5('complex')).toBe(await md5('auto'));
    expect(await md5('complex')).not.toBe(await md5('simple'));
  });
});
