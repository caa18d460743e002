import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { builtInTemplates } from '@fenta/db';
import type { Captions, Footage, RenderResult } from '../../src/artifacts/artifact-types';
import { editTimelineNode } from '../../src/nodes/edit-timeline.node';
import { outputRenderNode } from '../../src/nodes/output-render.node';
import { probeMedia, type MediaInfo } from '@fenta/media';
import type { Timeline } from '../../src/timeline/timeline-ir';
import { createNodeTestContext, type NodeTestContext } from '../support/node-test-context';
import { sampleCaptions, sampleFootage, sentence } from '../timeline/sample-inputs';
import { ffmpeg, grayFrame, integratedLoudness, makeChord, makeClip, meanAbsoluteDifference, speakNarration, topLevelBoxes, truePeak } from './render-fixtures';

const job = 'orgs/org_test/jobs/job_test';
const musicKey = 'orgs/org_test/uploads/music.wav';
const logoKey = 'orgs/org_test/uploads/logo.png';
const sentences: [string, string] = ['The city switched its streetlights to solar power.', 'Residents say the nights feel brighter.'];

const srtText =
  '1\n00:00:00,000 --> 00:00:02,800\nThe city switched its streetlights to solar power.\n\n2\n00:00:02,800 --> 00:00:05,200\nResidents say the nights feel brighter.\n';

let nt: NodeTestContext;
let timeline: Timeline;
let result: RenderResult;
let info: MediaInfo;
let started: number;
/** Where the render's progress reports start (Edit.Timeline reports on the same context first). */
let renderProgressFrom: number;

beforeAll(async () => {
  nt = await createNodeTestContext({
    nodeId: 'n6',
    templates: builtInTemplates.map((t) => ({ id: t.id, name: t.name, aspect: t.aspect, resolution: t.resolution, spec: t.spec })),
    variables: { music: musicKey, logo: logoKey, topic: 'solar streetlights' },
  });
  const media = path.join(nt.root, 'media');
  await mkdir(media, { recursive: true });
  const file = (name: string) => path.join(media, name);
  await Promise.all([
    makeClip(file('clip-0.mp4'), 'testsrc2', 3),
    makeClip(file('clip-1.mp4'), 'mandelbrot', 3),
    makeClip(file('clip-2.mp4'), 'smptehdbars', 3),
    makeChord(file('music.wav'), 8),
    ffmpeg(['-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=0xE02020:s=200x80', '-frames:v', '1', file('logo.png')]),
  ]);
  const [d1, d2] = await speakNarration(media, sentences);
  await writeFile(file('captions.srt'), srtText);
  const put = (key: string, name: string, type: string) => nt.storage.putFile(key, file(name), { contentType: type });
  await Promise.all([
    ...[0, 1, 2].map((i) => put(`${job}/n1/clip-${i}.mp4`, `clip-${i}.mp4`, 'video/mp4')),
    put(`${job}/n3/voice.wav`, 'voice.wav', 'audio/wav'),
    put(`${job}/n4/captions.ass`, 'captions.ass', 'text/x-ssa'),
    put(`${job}/n4/captions.srt`, 'captions.srt', 'application/x-subrip'),
    put(musicKey, 'music.wav', 'audio/wav'),
    put(logoKey, 'logo.png', 'image/png'),
  ]);

  const footage: Footage = sampleFootage([3, 3, 3]);
  const words = (text: string, start: number, end: number) => text.split(' ').map((_, i, all) => start + ((end - start) * i) / all.length);
  const captions: Captions = sampleCaptions(
    [sentence(sentences[0]!, 0, 0, d1, words(sentences[0]!, 0, d1)), sentence(sentences[1]!, 1, d1, d1 + d2, words(sentences[1]!, d1, d1 + d2))],
    d1 + d2,
  );
  captions.frame = { width: 1080, height: 1920 };

  timeline = await editTimelineNode.run(nt.ctx, { footage, captions }, editTimelineNode.params.parse({ template_id: 'tmpl_shorts_v1', profile: '9x16_720p' }));
  started = performance.now();
  renderProgressFrom = nt.record.progress.length;
  result = await outputRenderNode.run(nt.ctx, { timeline }, outputRenderNode.params.parse({ profile: '9x16_720p', preset: 'ultrafast' }));
  info = await probeMedia(nt.storage.localPath(result.video.key)!);
}, 60_000);

afterAll(async () => {
  await nt?.cleanup();
});

describe('Edit.Timeline then Output.Render on real media', () => {
  it('builds a ~5 s timeline from the speech, with distinct clips, the headline, the logo and music', () => {
    expect(timeline.durationSeconds).toBeGreaterThan(4.5);
    expect(timeline.durationSeconds).toBeLessThan(7);
    const sources = timeline.clips.map((c) => c.source);
    expect(new Set(sources).size).toBe(sources.length);
    expect(timeline.overlays.map((o) => [o.kind, o.z])).toEqual([
      ['text', 20],
      ['image', 21],
    ]);
    expect(timeline.audio.music).toEqual({ source: musicKey, gainDb: -12, duck: true });
  });

  it('renders H.264 High yuv420p 720x1280 at 30 fps with AAC at 48 kHz, as long as the timeline', () => {
    expect(info).toMatchObject({
      width: 720,
      height: 1280,
      fps: 30,
      videoCodec: 'h264',
      profile: 'High',
      pixFmt: 'yuv420p',
      audioCodec: 'aac',
      audioSampleRate: 48000,
    });
    expect(Math.abs(info.durationSeconds - timeline.durationSeconds)).toBeLessThanOrEqual(0.1);
    expect(result).toMatchObject({ kind: 'render', width: 720, height: 1280, fps: 30, videoCodec: 'h264', audioCodec: 'aac', profile: '9x16_720p' });
    expect(result.durationSeconds).toBe(info.durationSeconds);
    expect(result.bitrateKbps).toBe(info.bitrateKbps);
  });

  it('puts the moov atom before mdat (faststart)', async () => {
    const boxes = await topLevelBoxes(nt.storage.localPath(result.video.key)!);
    expect(boxes[0]).toBe('ftyp');
    expect(boxes.indexOf('moov')).toBeGreaterThan(0);
    expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'));
  });

  it('mixes to -14 LUFS integrated, within 0.5 LU, peaking at most at -1 dBTP', async () => {
    const video = nt.storage.localPath(result.video.key)!;
    expect(Math.abs((await integratedLoudness(video)) - -14)).toBeLessThanOrEqual(0.5);
    expect(await truePeak(video)).toBeLessThanOrEqual(-1);
  });

  it('leaves no soundtrack in the working directory once the outputs are encoded', () => {
    expect(existsSync(path.join(nt.ctx.tempDir, 'audio.wav'))).toBe(false);
    expect(existsSync(path.join(nt.ctx.tempDir, 'audio-mix.wav'))).toBe(false);
  });

  it("stores the video, a JPEG thumbnail of the frame size, and the timeline's SRT under the node's keys", async () => {
    expect([result.video.key, result.thumbnail.key, result.srt.key]).toEqual([`${job}/n6/video.mp4`, `${job}/n6/thumbnail.jpg`, `${job}/n6/captions.srt`]);
    expect([result.video.contentType, result.thumbnail.contentType, result.srt.contentType]).toEqual(['video/mp4', 'image/jpeg', 'application/x-subrip']);
    const thumbnail = await probeMedia(nt.storage.localPath(result.thumbnail.key)!);
    expect(thumbnail).toMatchObject({ width: 720, height: 1280, videoCodec: 'mjpeg' });
    expect((await nt.storage.getBytes(result.srt.key)).toString('utf8')).toBe(srtText);
    expect(result.video.bytes).toBe(info.sizeBytes);
  });

  it('makes the thumbnail of the finished frame at thumbnailAt, subtitles and overlays included', async () => {
    const thumbnail = await grayFrame(nt.storage.localPath(result.thumbnail.key)!, undefined, 'null');
    const video = nt.storage.localPath(result.video.key)!;
    // The same frame, through H.264 and JPEG once each; the next scene's footage is another picture altogether.
    expect(meanAbsoluteDifference(thumbnail, await grayFrame(video, timeline.thumbnailAt, 'null'))).toBeLessThan(2);
    expect(meanAbsoluteDifference(thumbnail, await grayFrame(video, timeline.clips[1]!.start + 0.2, 'null'))).toBeGreaterThan(10);
  });

  it('records render seconds with the profile and the bytes of the three files', () => {
    const renderUsage = nt.record.usage.find((u) => u.resource === 'render_seconds');
    expect(renderUsage).toEqual({ resource: 'render_seconds', seconds: expect.any(Number), profile: '9x16_720p' });
    const seconds = (renderUsage as { seconds: number }).seconds;
    expect(seconds).toBeGreaterThan(0);
    // The ffmpeg runs are part of the node's run, which the clock around it bounds.
    expect(seconds).toBeLessThan((performance.now() - started) / 1000);
    expect(nt.record.usage.filter((u) => u.resource === 'storage')).toEqual([
      { resource: 'storage', bytes: result.video.bytes + result.thumbnail.bytes + result.srt.bytes },
    ]);
  });

  it('reports progress from ffmpeg, rising to 1', () => {
    const progress = nt.record.progress.slice(renderProgressFrom);
    expect(progress[progress.length - 1]).toBe(1);
    expect(progress.some((p) => p > 0 && p < 1)).toBe(true);
    progress.forEach((p, i) => expect(p).toBeGreaterThanOrEqual(i > 0 ? progress[i - 1]! : 0));
  });

  it('burns the subtitles in: the picture differs from the footage under the caption, not above it', async () => {
    const video = nt.storage.localPath(result.video.key)!;
    // The first scene shows clip 0 from its start; the same frame of the clip, cropped and scaled the same way.
    const footage = path.join(nt.root, 'media', 'clip-0.mp4');
    const cover = 'crop=ih*720/1280:ih,scale=720:1280';
    const difference = async (y: number) => {
      const region = `crop=720:160:0:${y}`;
      const rendered = await grayFrame(video, 1, region);
      const original = await grayFrame(footage, 1, `${cover},${region}`);
      return meanAbsoluteDifference(rendered, original);
    };
    // 720p: the caption box sits about 80 px above the bottom edge; the middle of the frame has no layer.
    expect(await difference(500)).toBeLessThan(8);
    expect(await difference(1080)).toBeGreaterThan(15);
  });
});
