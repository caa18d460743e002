import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { builtInTemplates } from '@fenta/db';
import { parseTemplateSpec } from '@fenta/graph';
import type { Captions, Speech } from '../../src/artifacts/artifact-types';
import type { TemplateRecord } from '../../src/nodes/node-context';
import { subtitleAutoNode } from '../../src/nodes/subtitle-auto.node';
import { compileTimeline } from '../../src/render/compile-ffmpeg';
import { getOutputProfile } from '../../src/render/output-profiles';
import { safeArea, type FrameRect } from '../../src/render/safe-area';
import { writeTextOverlays } from '../../src/render/write-text-overlays';
import { buildOverlays } from '../../src/timeline/build-overlays';
import { templateFrame, templateProfileName } from '../../src/timeline/template-profile';
import type { Timeline } from '../../src/timeline/timeline-ir';
import { createNodeTestContext, type NodeTestContext } from '../support/node-test-context';
import { ffmpeg } from './render-fixtures';

const run = promisify(execFile);
const signal = new AbortController().signal;
const templates: TemplateRecord[] = builtInTemplates.map(({ id, name, aspect, resolution, spec }) => ({ id, name, aspect, resolution, spec }));
/** Every built-in template with each caption preset it offers. */
const templatePresets = builtInTemplates.flatMap((t) =>
  (t.spec.subtitle_style_presets as Array<'clean_box' | 'karaoke_bounce'>).map((preset) => [t.id, preset, t.resolution] as const),
);
const verticalPresets = templatePresets.filter(([id]) => builtInTemplates.find((t) => t.id === id)!.aspect === '9:16');

const longCaption = 'Crowds gathered at the old harbour station waiting for the very last train';
const longHeadline = 'BREAKING: the city council votes tonight on the new harbour bridge plan';

let dir: string;
const contexts: NodeTestContext[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fenta-safe-area-'));
});

afterAll(async () => {
  await Promise.all(contexts.map((c) => c.cleanup()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Speech of one sentence over two seconds, its words evenly timed: what Subtitle.Auto captions. */
function speechOf(text: string): Speech {
  const words = text.split(' ');
  const step = 2 / words.length;
  return {
    kind: 'speech',
    audio: { key: 'orgs/org_test/voice.wav', contentType: 'audio/wav', bytes: 0 },
    durationSeconds: 2,
    sampleRate: 48_000,
    lang: 'en',
    voice: 'test',
    provider: 'test',
    sentences: [{ text, start: 0, end: 2, beat: 0, words: words.map((word, i) => ({ word, start: i * step, end: (i + 1) * step })) }],
    script: { kind: 'script', title: 'T', lang: 'en', beats: [{ text, sentences: [text], searchTerms: [] }], hashtags: [] },
  };
}

/** Subtitle.Auto run for a template and preset: the captions, their ASS file on disk and the job log. */
async function captionsFor(templateId: string, preset: 'clean_box' | 'karaoke_bounce', text: string, records = templates) {
  const nt = await createNodeTestContext({ templates: records });
  contexts.push(nt);
  const captions: Captions = await subtitleAutoNode.run(
    nt.ctx,
    { speech: speechOf(text) },
    subtitleAutoNode.params.parse({ style: preset, template_id: templateId }),
  );
  return { captions, ass: nt.storage.localPath(captions.ass.key)!, logs: nt.record.logs };
}

/** One frame (8-bit gray) of an ASS script drawn by libass at `seconds` over a plain frame of the given gray level. */
async function assFrame(file: string, frame: { width: number; height: number }, seconds: number, level: number): Promise<Buffer> {
  const hex = level.toString(16).padStart(2, '0');
  const { stdout } = await run(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `color=c=0x${hex}${hex}${hex}:s=${frame.width}x${frame.height}:d=0.1`],
      ...['-vf', `setpts=PTS+${seconds}/TB,ass=filename=${file},format=gray`, '-frames:v', '1', '-f', 'rawvideo', 'pipe:1'],
    ],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

/** The rows of a gray frame that hold a pixel brighter than `threshold`. */
function inkRows(pixels: Buffer, width: number, threshold: number): number[] {
  const rows: number[] = [];
  for (let y = 0; y * width < pixels.length; y += 1) {
    for (let x = 0; x < width; x += 1) {
      if (pixels[y * width + x]! > threshold) {
        rows.push(y);
        break;
      }
    }
  }
  return rows;
}

/** How many pixels of a rectangle differ from the plain frame they were drawn over. */
function inkIn(pixels: Buffer, plain: Buffer, width: number, rect: FrameRect): number {
  let count = 0;
  for (let y = rect.y; y < rect.y + rect.height; y += 1) {
    for (let x = rect.x; x < rect.x + rect.width; x += 1) if (Math.abs(pixels[y * width + x]! - plain[y * width + x]!) > 6) count += 1;
  }
  return count;
}

describe('captions of the built-in templates', () => {
  it.each(templatePresets)('read on a phone: capital letters of %s (%s) are at least 2.5 %% of the frame height (%s)', async (templateId, preset) => {
    const { captions, ass } = await captionsFor(templateId, preset, 'HXH');
    const { width, height } = captions.frame;
    // White (or highlighted) glyphs over black: the box, outline and shadow are black and draw nothing.
    const rows = inkRows(await assFrame(ass, captions.frame, 1, 0), width, 128);
    const capHeight = rows.length;
    // One run of rows: the letters, and nothing else drawn.
    expect(rows[rows.length - 1]! - rows[0]! + 1).toBe(capHeight);
    expect(capHeight / height).toBeGreaterThanOrEqual(0.025);
    expect({ templateId, preset, capHeight }).toEqual({ templateId, preset, capHeight: expectedCapHeights[`${templateId} ${preset}`] });
  });
});

/** The cap heights measured, in pixels (2.7 %, 3.0 % and 2.8 % of the height), so that a change of size or font shows here. */
const expectedCapHeights: Record<string, number> = {
  'tmpl_shorts_v1 karaoke_bounce': 52,
  'tmpl_shorts_v1 clean_box': 52,
  'tmpl_karaoke_v1 karaoke_bounce': 58,
  'tmpl_landscape_v1 clean_box': 30,
  'tmpl_square_v1 clean_box': 30,
  'tmpl_square_v1 karaoke_bounce': 30,
};

/**
 * A template's job rendered for real (Subtitle.Auto's captions of a long
 * line, a long headline in place of the template's, a white logo), and its
 * frame at 1 s, when the headline has slid in and the first cue is up, beside
 * the plain gray footage it was drawn over.
 */
async function renderedFrame(template: TemplateRecord, preset: 'clean_box' | 'karaoke_bounce', records = templates) {
  const { captions, ass, logs } = await captionsFor(template.id, preset, longCaption, records);
  const profile = { ...getOutputProfile(templateProfileName(template, ['9x16_1080p']), { preset: 'ultrafast' }), fps: 10 };
  const spec = parseTemplateSpec(template.id, template.spec);
  const withHeadline = { ...spec, overlays: spec.overlays.map((o) => ({ ...o, content: { ...o.content, text: longHeadline } })) };
  const duration = 1.5;
  const timeline: Timeline = {
    kind: 'timeline',
    profile,
    durationSeconds: duration,
    clips: [{ source: 'clip', inPoint: 0, start: 0, end: duration }],
    overlays: buildOverlays({ spec: withHeadline, profile, templateFrame: templateFrame(template)!, duration, placeholders: { logo: 'logo' } }),
    subtitles: { source: 'captions', z: 10 },
    audio: { voice: { source: 'voice', gainDb: 0 }, loudnessLufs: -14 },
    thumbnailAt: 0,
    ...(spec.safe_area === false ? { safeArea: false as const } : {}),
  };
  const work = await mkdtemp(path.join(dir, 'render-'));
  const inputs = { clip: path.join(work, 'gray.mp4'), voice: path.join(work, 'silence.wav'), logo: path.join(work, 'logo.png'), captions: ass };
  await Promise.all([
    ffmpeg([
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      `color=c=0x808080:s=${profile.width}x${profile.height}:r=10`,
      '-t',
      String(duration),
      '-pix_fmt',
      'yuv420p',
      inputs.clip,
    ]),
    ffmpeg(['-loglevel', 'error', '-f', 'lavfi', '-i', `anullsrc=r=48000:cl=mono:d=${duration}`, inputs.voice]),
    ffmpeg(['-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=white:s=400x200', '-frames:v', '1', inputs.logo]),
  ]);
  const text = await writeTextOverlays(timeline, { dir: work, signal });
  const output = path.join(work, 'out.mp4');
  const { args } = compileTimeline(timeline, { inputs, audio: inputs.voice, output, textOverlayFiles: text.files });
  await run('ffmpeg', args, { maxBuffer: 64 * 1024 * 1024 });
  const frameAt = async (file: string) =>
    (
      await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-ss', '1', '-i', file, '-frames:v', '1', '-vf', 'format=gray', '-f', 'rawvideo', 'pipe:1'], {
        encoding: 'buffer',
        maxBuffer: 64 * 1024 * 1024,
      })
    ).stdout;
  const [pixels, plain] = await Promise.all([frameAt(output), frameAt(inputs.clip)]);
  /** The pixels drawn in a rectangle of the frame. */
  const ink = (rect: FrameRect) => inkIn(pixels, plain, profile.width, rect);
  /** The smallest rectangle holding what was drawn in a rectangle of the frame. */
  const drawn = (rect: FrameRect): FrameRect => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let y = rect.y; y < rect.y + rect.height; y += 1) {
      for (let x = rect.x; x < rect.x + rect.width; x += 1) {
        if (inkIn(pixels, plain, profile.width, { x, y, width: 1, height: 1 }) === 0) continue;
        xs.push(x);
        ys.push(y);
      }
    }
    return { x: Math.min(...xs), y: Math.min(...ys), width: Math.max(...xs) - Math.min(...xs) + 1, height: Math.max(...ys) - Math.min(...ys) + 1 };
  };
  return { captions, logs, spec, profile, ink, drawn };
}

describe('the built-in 9:16 templates', () => {
  it.each(verticalPresets)('keep a long caption, a long headline and the logo of %s (%s) out of the platform zones', async (templateId, preset) => {
    const { captions, logs, spec, profile, ink } = await renderedFrame(
      templates.find((t) => t.id === templateId)!,
      preset,
    );
    expect(captions.cues[0]!.lines).toHaveLength(2);
    expect(logs.filter((l) => l.level === 'warn')).toEqual([]);
    const area = safeArea(profile);
    expect(Object.fromEntries(area.zones.map((z) => [z.name, ink(z.rect)]))).toEqual({
      'top bar': 0,
      'bottom zone': 0,
      'right button column': 0,
      'left title-safe margin': 0,
    });
    // And each was drawn: the caption in the lower half of the safe area, the headline and the logo in the upper half.
    const half = (top: boolean) => ink({ ...area.rect, y: top ? area.rect.y : profile.height / 2, height: area.rect.height / 2 });
    expect(half(false)).toBeGreaterThan(5000);
    expect(half(true)).toBeGreaterThan(spec.overlays.length > 0 ? 20_000 : 5000);
  });

  it("put the logo in the top-right corner of the safe area: under the top bar, left of the button column's edge", async () => {
    // The karaoke template has no headline and centred captions: above 40 % of the height only the logo is drawn.
    const { profile, drawn } = await renderedFrame(
      templates.find((t) => t.id === 'tmpl_karaoke_v1')!,
      'karaoke_bounce',
    );
    // 18 % of 1080 is 194 px (even); 929 is where the right button column starts, 192 px the top bar's height.
    // ffmpeg's overlay puts a picture on yuv420p at an even x: 735 becomes 734, a pixel further from the column.
    expect(drawn({ x: 0, y: 0, width: profile.width, height: Math.round(profile.height * 0.4) })).toEqual({ x: 734, y: 192, width: 194, height: 98 });
  });

  it('are laid out against the full frame when a template opts out: its margin of 120 px puts the caption in the bottom zone, unwarned', async () => {
    const sample = templates.find((t) => t.id === 'tmpl_shorts_v1')!;
    const spec = structuredClone(sample.spec) as { tracks: Array<{ style?: Record<string, unknown> }>; safe_area?: boolean };
    spec.tracks[1]!.style!.margin = 120;
    spec.safe_area = false;
    const optedOut = { ...sample, id: 'tmpl_full_frame', spec };
    const { logs, profile, ink } = await renderedFrame(optedOut, 'clean_box', [optedOut]);
    expect(logs.filter((l) => l.level === 'warn')).toEqual([]);
    const zone = (name: string) => ink(safeArea(profile).zones.find((z) => z.name === name)!.rect);
    expect(zone('bottom zone')).toBeGreaterThan(5000);
    expect(zone('right button column')).toBeGreaterThan(0);
  });
});
