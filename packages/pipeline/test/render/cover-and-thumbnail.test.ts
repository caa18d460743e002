import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { builtInTemplates } from '@fenta/db';
import type { Captions, RenderResult } from '../../src/artifacts/artifact-types';
import { editTimelineNode } from '../../src/nodes/edit-timeline.node';
import type { TemplateRecord } from '../../src/nodes/node-context';
import { outputRenderNode } from '../../src/nodes/output-render.node';
import { safeArea } from '../../src/render/safe-area';
import type { Timeline } from '../../src/timeline/timeline-ir';
import { createNodeTestContext, type NodeTestContext } from '../support/node-test-context';
import { sampleCaptions, sampleFootage, sentence } from '../timeline/sample-inputs';
import { durationOf, ffmpeg, grayFrame, makeClip, meanAbsoluteDifference, rmsLevel, speakNarration } from './render-fixtures';

const exec = promisify(execFile);

const job = 'orgs/org_test/jobs/job_test';
const coverKey = 'orgs/org_test/uploads/cover.png';
const sentences: [string, string] = ['The city switched its streetlights to solar power.', 'Residents say the nights feel brighter.'];
const width = 720;
const height = 1280;

/** The sample template with its headline moved to 3-5 s, past the middle of the first scene, and no cover. */
const shorts = builtInTemplates.find((t) => t.id === 'tmpl_shorts_v1')!;
const lateHeadline: TemplateRecord = {
  id: 'tmpl_late_headline',
  name: 'Late headline',
  aspect: '9:16',
  resolution: '1080x1920',
  spec: {
    ...shorts.spec,
    overlays: [{ track: 'top_text', from: 3, to: 5, content: { type: 'text', text: 'BREAKING STORY', pos: 'top', anim: 'slide-down' } }],
    cover: { mode: 'none' },
  },
};
const templates: TemplateRecord[] = [...builtInTemplates, lateHeadline].map((t) => ({
  id: t.id,
  name: t.name,
  aspect: t.aspect,
  resolution: t.resolution,
  spec: t.spec,
}));

// The cover is landscape, black at the sides that filling a 9:16 frame crops away; its middle is green with a
// white band. Filled to 720x1280 the band is rows 267-409; the probe is rows 220-459, clear of the headline
// (from row 102) and of the captions (at the bottom, or in the middle for karaoke).
const probe = `crop=${width}:240:0:220`;
const fillFrame = `crop=ih*${width}/${height}:ih,scale=${width}:${height}`;
const top = `crop=${width}:400:0:0`;

let shared: NodeTestContext;
const contexts: NodeTestContext[] = [];
let coverFile: string;
let captions: Captions;
let coverProbe: Buffer;

interface Rendered {
  timeline: Timeline;
  result: RenderResult;
  video: string;
  thumbnail: string;
}
let intro: Rendered;
let plain: Rendered;
let poster: Rendered;
let late: Rendered;

/** Edit.Timeline then Output.Render at 720p, each render under its own node id so that their files sit side by side. */
async function render(nodeId: string, templateId: string, variables: Record<string, unknown>): Promise<Rendered> {
  const nt = await createNodeTestContext({ nodeId, templates, variables, storage: shared.storage });
  contexts.push(nt);
  const timeline = await editTimelineNode.run(
    nt.ctx,
    { footage: sampleFootage([3, 3, 3]), captions },
    editTimelineNode.params.parse({ template_id: templateId, profile: '9x16_720p' }),
  );
  const result = await outputRenderNode.run(nt.ctx, { timeline }, outputRenderNode.params.parse({ profile: '9x16_720p', preset: 'ultrafast' }));
  return { timeline, result, video: nt.storage.localPath(result.video.key)!, thumbnail: nt.storage.localPath(result.thumbnail.key)! };
}

/** The first `count` frames of a video, each filtered the same way, as 8-bit gray pixels. */
async function firstFrames(file: string, count: number, filter: string): Promise<Buffer[]> {
  const { stdout } = await exec(
    'ffmpeg',
    ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', file, '-frames:v', String(count), '-vf', `${filter},format=gray`, '-f', 'rawvideo', 'pipe:1'],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  const size = stdout.length / count;
  return Array.from({ length: count }, (_, i) => stdout.subarray(i * size, (i + 1) * size));
}

/** Rows of a `width`-wide gray region whose middle third differs from the reference's by more than 15 levels on average. */
function changedRows(picture: Buffer, reference: Buffer): number[] {
  const rows: number[] = [];
  for (let y = 0; y < picture.length / width; y += 1) {
    let sum = 0;
    for (let x = width / 3; x < (2 * width) / 3; x += 1) sum += Math.abs(picture[y * width + x]! - reference[y * width + x]!);
    if (sum / (width / 3) > 15) rows.push(y);
  }
  return rows;
}

const isCover = (pixels: Buffer) => meanAbsoluteDifference(pixels, coverProbe) < 5;

beforeAll(async () => {
  shared = await createNodeTestContext({ nodeId: 'n0', templates });
  contexts.push(shared);
  const media = path.join(shared.root, 'media');
  await mkdir(media, { recursive: true });
  const file = (name: string) => path.join(media, name);
  coverFile = file('cover.png');
  await Promise.all([
    makeClip(file('clip-0.mp4'), 'testsrc2', 3),
    // Static bars under the late headline: the same picture in every frame of its scene.
    makeClip(file('clip-1.mp4'), 'smptehdbars', 3),
    makeClip(file('clip-2.mp4'), 'mandelbrot', 3),
    ffmpeg([
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'color=c=black:s=1280x720',
      '-vf',
      'drawbox=x=427:y=0:w=426:h=720:color=0x20C040:t=fill,drawbox=x=0:y=150:w=1280:h=80:color=white:t=fill',
      '-frames:v',
      '1',
      coverFile,
    ]),
  ]);
  const [d1, d2] = await speakNarration(media, sentences);
  await writeFile(file('captions.srt'), '');
  const put = (key: string, name: string, type: string) => shared.storage.putFile(key, file(name), { contentType: type });
  await Promise.all([
    ...[0, 1, 2].map((i) => put(`${job}/n1/clip-${i}.mp4`, `clip-${i}.mp4`, 'video/mp4')),
    put(`${job}/n3/voice.wav`, 'voice.wav', 'audio/wav'),
    put(`${job}/n4/captions.ass`, 'captions.ass', 'text/x-ssa'),
    put(`${job}/n4/captions.srt`, 'captions.srt', 'application/x-subrip'),
    put(coverKey, 'cover.png', 'image/png'),
  ]);
  const words = (text: string, start: number, end: number) => text.split(' ').map((_, i, all) => start + ((end - start) * i) / all.length);
  captions = sampleCaptions(
    [sentence(sentences[0]!, 0, 0, d1, words(sentences[0]!, 0, d1)), sentence(sentences[1]!, 1, d1, d1 + d2, words(sentences[1]!, d1, d1 + d2))],
    d1 + d2,
  );
  coverProbe = await grayFrame(coverFile, undefined, `${fillFrame},${probe}`);

  // One at a time: each render already uses every core.
  intro = await render('intro', 'tmpl_shorts_v1', { cover: coverKey });
  plain = await render('plain', 'tmpl_shorts_v1', {});
  poster = await render('poster', 'tmpl_karaoke_v1', { cover: coverKey });
  late = await render('late', 'tmpl_late_headline', {});
}, 120_000);

afterAll(async () => {
  for (const nt of contexts.reverse()) await nt.cleanup();
});

describe("the sample template's intro cover card", () => {
  it('fills exactly the first 30 frames (1 s) with the cover, cropped to the frame like footage', async () => {
    expect(intro.timeline.cover).toEqual({ source: coverKey, end: 1 });
    const frames = await firstFrames(intro.video, 40, probe);
    expect(frames.flatMap((pixels, i) => (isCover(pixels) ? [i] : []))).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it('keeps the length, and the picture and sound after the card are those of the video without a cover', async () => {
    expect(intro.timeline.durationSeconds).toBe(plain.timeline.durationSeconds);
    const [withCover, without] = await Promise.all([durationOf(intro.video), durationOf(plain.video)]);
    expect(withCover).toBe(without);
    expect(Math.abs(withCover - intro.timeline.durationSeconds)).toBeLessThanOrEqual(0.05);
    // Whole frames, captions included: nothing after the card moved.
    for (const seconds of [1.5, 3.5, intro.timeline.durationSeconds - 0.5]) {
      expect(meanAbsoluteDifference(await grayFrame(intro.video, seconds, 'null'), await grayFrame(plain.video, seconds, 'null'))).toBeLessThan(1.5);
    }
    // The narration runs under the card as without it.
    for (const [from, to] of [
      [0, 1],
      [1, intro.timeline.durationSeconds],
    ] as const) {
      expect(Math.abs((await rmsLevel(intro.video, from, to)) - (await rmsLevel(plain.video, from, to)))).toBeLessThan(0.1);
    }
  });

  it('draws the captions and the headline over the card', async () => {
    const frame = await grayFrame(intro.video, 0.9, 'null');
    const cover = await grayFrame(coverFile, undefined, fillFrame);
    const region = (pixels: Buffer, y: number, rows: number) => pixels.subarray(y * width, (y + rows) * width);
    // The caption box near the bottom edge, the headline box from the overlay margin down.
    expect(meanAbsoluteDifference(region(frame, 1120, 120), region(cover, 1120, 120))).toBeGreaterThan(15);
    expect(changedRows(region(frame, 0, 400), region(cover, 0, 400))[0]).toBe(safeArea(intro.timeline.profile).rect.y);
  });

  it('makes the thumbnail the cover with the headline fully down on it', async () => {
    // The headline is fully down after 0.4 s; the card ends at 1 s: frame 28 (one frame clear of the card's end).
    expect(intro.timeline.thumbnailAt).toBe(28 / 30);
    expect(isCover(await grayFrame(intro.thumbnail, undefined, probe))).toBe(true);
    const rows = changedRows(await grayFrame(intro.thumbnail, undefined, top), await grayFrame(coverFile, undefined, `${fillFrame},${top}`));
    expect(rows[0]).toBe(safeArea(intro.timeline.profile).rect.y);
    expect(rows.length).toBeGreaterThan(40);
  });
});

describe('without a cover', () => {
  it('shows the footage from the first frame', async () => {
    expect(plain.timeline.cover).toBeUndefined();
    const [first] = await firstFrames(plain.video, 1, probe);
    const footage = await grayFrame(path.join(shared.root, 'media', 'clip-0.mp4'), 0, `${fillFrame},${probe}`);
    expect(meanAbsoluteDifference(first!, footage)).toBeLessThan(5);
    expect(isCover(first!)).toBe(false);
  });
});

describe("the karaoke template's first_frame cover", () => {
  it('is the first 3 frames, the poster, and the thumbnail of a template without a headline', async () => {
    expect(poster.timeline.cover).toEqual({ source: coverKey, end: 0.1 });
    const frames = await firstFrames(poster.video, 8, probe);
    expect(frames.map(isCover)).toEqual([true, true, true, false, false, false, false, false]);
    expect(Math.abs((await durationOf(poster.video)) - poster.timeline.durationSeconds)).toBeLessThanOrEqual(0.05);
    expect(poster.timeline.thumbnailAt).toBe(1 / 30);
    expect(isCover(await grayFrame(poster.thumbnail, undefined, probe))).toBe(true);
  });
});

describe('a thumbnail of a headline that comes later', () => {
  const footageAt = (seconds: number, filter: string) => {
    const clip = late.timeline.clips.find((c) => c.start <= seconds && seconds < c.end)!;
    return grayFrame(path.join(shared.root, 'media', path.basename(clip.source)), seconds - clip.start + clip.inPoint, `${fillFrame},${filter}`);
  };

  it('is taken once the headline of 3-5 s has slid down: in its window, not in the middle of the first scene', async () => {
    const firstScene = late.timeline.clips[0]!;
    const middle = Math.round(((firstScene.start + firstScene.end) / 2) * 30) / 30;
    // What the rule was: that frame has no headline at all.
    expect(middle).toBeLessThan(3);
    expect(changedRows(await grayFrame(late.video, middle, top), await footageAt(middle, top))).toEqual([]);
    // 3.4 s is where the slide ends: frame 103 is the first one clear of it.
    expect(late.timeline.thumbnailAt).toBe(103 / 30);
  });

  it('shows the headline fully down, as it stands later in its window', async () => {
    const thumbnail = await grayFrame(late.thumbnail, undefined, top);
    const rows = changedRows(thumbnail, await footageAt(late.timeline.thumbnailAt, top));
    expect(rows[0]).toBe(safeArea(late.timeline.profile).rect.y);
    expect(rows.length).toBeGreaterThan(40);
    // The bars do not move: 4.3 s, before the fade out from 4.6 s, is the same picture with the headline at rest.
    expect(meanAbsoluteDifference(thumbnail, await grayFrame(late.video, 4.3, top))).toBeLessThan(3);
    // Mid-slide it is not.
    expect(meanAbsoluteDifference(thumbnail, await grayFrame(late.video, 3.1, top))).toBeGreaterThan(5);
  });
});
