import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { probeMedia, type MediaInfo } from '@fenta/media';
import type { RenderOutput, RenderResult } from '../../src/artifacts/artifact-types';
import { outputRenderNode } from '../../src/nodes/output-render.node';
import { getOutputProfile } from '../../src/render/output-profiles';
import type { Timeline } from '../../src/timeline/timeline-ir';
import { createNodeTestContext, type NodeTestContext } from '../support/node-test-context';
import { ffmpeg, grayFrame, makeClip } from './render-fixtures';

const job = 'orgs/org_test/jobs/job_test';

/** A 2 s timeline of one clip and a tone, built for 9x16_720p, with a text overlay to retarget. */
function tinyTimeline(durationSeconds = 2): Timeline {
  return {
    kind: 'timeline',
    profile: getOutputProfile('9x16_720p'),
    durationSeconds,
    clips: [{ source: `${job}/n1/clip.mp4`, inPoint: 0, start: 0, end: durationSeconds }],
    overlays: [
      {
        kind: 'text',
        text: 'PREVIEW',
        start: 0,
        end: 1,
        position: 'top',
        animation: 'none',
        font: 'DejaVu Sans:bold',
        size: 60,
        color: '#FFFFFF',
        box: true,
        z: 20,
      },
    ],
    audio: { voice: { source: `${job}/n3/voice.wav`, gainDb: 0 }, loudnessLufs: -14 },
    thumbnailAt: 0.5,
  };
}

// One Output.Render with a preview and three profiles (9:16, 1:1, 16:9), on a 2 s timeline:
// each output is probed for its frame and length, and the preview is handed over before any other output is rendered.
describe('Output.Render with a preview and several profiles', () => {
  let nt: NodeTestContext;
  let result: RenderResult;
  const probed: Record<string, MediaInfo> = {};
  /** What had been reported when the preview was handed over: the outputs stored by then, and the progress. */
  let atPreview: { videos: string[]; progress: number } | undefined;
  const handed: RenderOutput[] = [];

  beforeAll(async () => {
    nt = await createNodeTestContext({ nodeId: 'n6' });
    const media = path.join(nt.root, 'media');
    await mkdir(media, { recursive: true });
    await makeClip(path.join(media, 'clip.mp4'), 'testsrc2', 2);
    // The clip's smaller rendition, all white, so a frame shows which file an output read.
    await makeClip(path.join(media, 'clip-draft.mp4'), 'color=c=white', 2, '360x640');
    await nt.storage.putFile(`${job}/n1/clip-draft.mp4`, path.join(media, 'clip-draft.mp4'), { contentType: 'video/mp4' });
    await ffmpeg(['-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=f=440:d=2:sample_rate=48000', path.join(media, 'voice.wav')]);
    await nt.storage.putFile(`${job}/n1/clip.mp4`, path.join(media, 'clip.mp4'), { contentType: 'video/mp4' });
    await nt.storage.putFile(`${job}/n3/voice.wav`, path.join(media, 'voice.wav'), { contentType: 'audio/wav' });
    nt.ctx.recordPreview = async (preview) => {
      handed.push(preview);
      const stored = await Promise.all(
        ['video.mp4', '1x1_720p/video.mp4', '16x9_720p/video.mp4'].map(async (name) => ((await nt.storage.stat(`${job}/n6/${name}`)) ? name : '')),
      );
      atPreview = { videos: stored.filter(Boolean), progress: nt.record.progress[nt.record.progress.length - 1]! };
    };
    const params = outputRenderNode.params.parse({ profile: '9x16_720p', profiles: ['1x1_720p', '16x9_720p'], preview: true, preset: 'ultrafast' });
    const timeline = tinyTimeline();
    timeline.clips = timeline.clips.map((clip) => ({ ...clip, draftSource: `${job}/n1/clip-draft.mp4` }));
    result = await outputRenderNode.run(nt.ctx, { timeline }, params);
    for (const output of [result, ...(result.outputs ?? []), result.preview!])
      probed[output.profile] = await probeMedia(nt.storage.localPath(output.video.key)!);
  }, 60_000);

  afterAll(async () => {
    await nt?.cleanup();
  });

  it('renders the preview at 540x960, 24 fps, as long as the timeline, under preview/', () => {
    expect(result.preview).toMatchObject({ profile: 'preview', width: 540, height: 960, fps: 24 });
    expect(probed.preview).toMatchObject({ width: 540, height: 960, fps: 24, videoCodec: 'h264', audioCodec: 'aac' });
    expect(Math.abs(probed.preview!.durationSeconds - 2)).toBeLessThanOrEqual(0.1);
    expect([result.preview!.video.key, result.preview!.thumbnail.key]).toEqual([`${job}/n6/preview/video.mp4`, `${job}/n6/preview/thumbnail.jpg`]);
  });

  it("reads the clip's draft rendition for the preview only", async () => {
    // The middle of the frame, away from the headline at the top: white in the preview alone.
    const middle = async (output: RenderOutput) => {
      const pixels = await grayFrame(nt.storage.localPath(output.video.key)!, 1.5, 'crop=iw/4:ih/4');
      return pixels.reduce((sum, p) => sum + p, 0) / pixels.length;
    };
    expect(await middle(result.preview!)).toBeGreaterThan(240);
    for (const output of [result, ...(result.outputs ?? [])]) expect(await middle(output)).toBeLessThan(200);
  });

  it('hands the preview over once, before any other output is stored', () => {
    expect(handed).toEqual([result.preview]);
    expect(atPreview!.videos).toEqual([]);
    expect(atPreview!.progress).toBeLessThan(0.2);
  });

  it('renders every profile to its own frame and files, the main one under the node’s own names', async () => {
    const sizes = Object.fromEntries(
      Object.entries(probed).map(([profile, info]) => [profile, [info.width, info.height, Math.abs(info.durationSeconds - 2) <= 0.1]]),
    );
    expect(sizes).toEqual({ '9x16_720p': [720, 1280, true], '1x1_720p': [720, 720, true], '16x9_720p': [1280, 720, true], preview: [540, 960, true] });
    expect([result.profile, ...result.outputs!.map((o) => o.profile)]).toEqual(['9x16_720p', '1x1_720p', '16x9_720p']);
    expect([result.video.key, ...result.outputs!.map((o) => o.video.key)]).toEqual([
      `${job}/n6/video.mp4`,
      `${job}/n6/1x1_720p/video.mp4`,
      `${job}/n6/16x9_720p/video.mp4`,
    ]);
    const thumbnail = await probeMedia(nt.storage.localPath(result.outputs![1]!.thumbnail.key)!);
    expect([thumbnail.width, thumbnail.height]).toEqual([1280, 720]);
    // One captions file for all of them.
    expect(new Set([result, ...result.outputs!, result.preview!].map((o) => o.srt.key))).toEqual(new Set([`${job}/n6/captions.srt`]));
  });

  it('records render seconds per profile and each stored byte once', () => {
    expect(nt.record.usage.filter((u) => u.resource === 'render_seconds').map((u) => (u as { profile: string }).profile)).toEqual([
      'preview',
      '9x16_720p',
      '1x1_720p',
      '16x9_720p',
    ]);
    const outputs = [result, ...result.outputs!, result.preview!];
    const stored = nt.record.usage.filter((u) => u.resource === 'storage').reduce((sum, u) => sum + (u as { bytes: number }).bytes, 0);
    expect(stored).toBe(outputs.reduce((sum, o) => sum + o.video.bytes + o.thumbnail.bytes, 0) + result.srt.bytes);
  });

  it('reports progress rising to 1', () => {
    const progress = nt.record.progress;
    expect(progress[progress.length - 1]).toBe(1);
    progress.forEach((p, i) => expect(p).toBeGreaterThanOrEqual(i > 0 ? progress[i - 1]! : 0));
  });
});

describe("Output.Render and its profiles' length limits", () => {
  let nt: NodeTestContext;
  beforeAll(async () => {
    nt = await createNodeTestContext({ nodeId: 'n6' });
  });
  afterAll(async () => {
    await nt?.cleanup();
  });

  it('refuses a 61 s timeline when any profile asked for takes at most 60 s, before rendering or storing anything', async () => {
    const params = outputRenderNode.params.parse({ profile: '16x9_720p', profiles: ['9x16_720p'], preview: true });
    // The media are not even there: the limit is checked first.
    await expect(outputRenderNode.run(nt.ctx, { timeline: tinyTimeline(61) }, params)).rejects.toMatchObject({
      code: 'TIMELINE_TOO_LONG',
      message: 'The timeline is 61.00 s long; profile 9x16_720p takes at most 60 s',
    });
    expect(nt.record.usage).toEqual([]);
    expect(await nt.storage.stat(`${job}/n6/captions.srt`)).toBeUndefined();
  });

  it('takes the same timeline for profiles without a limit, the preview among them', () => {
    expect(() => outputRenderNode.params.parse({ profile: '16x9_720p', profiles: ['1x1_720p'], preview: true })).not.toThrow();
  });

  it('refuses a profile named twice, or the preview among the profiles', () => {
    const problems = (params: unknown) => {
      const parsed = outputRenderNode.params.safeParse(params);
      return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(problems({ profile: '9x16_720p', profiles: ['1x1_720p', '9x16_720p'] })).toEqual([
      'profiles.1: 9x16_720p is already rendered; name each profile once',
    ]);
    expect(problems({ profiles: ['preview'] })).toEqual(['profiles.0: ask for the preview with preview: true']);
    // The draft is never the job's video: it has no length limit, and it would be announced as a preview.
    expect(problems({ profile: 'preview' })).toEqual(['profile: ask for the preview with preview: true']);
    expect(problems({ profiles: ['1x1_720p', '16x9_720p', '4x5_720p', '1x1_1080p'] })).toEqual(['profiles: Too big: expected array to have <=3 items']);
  });
});
