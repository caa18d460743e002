import { FentaError } from '@fenta/core';
import { builtInTemplates } from '@fenta/db';
import { editTimelineNode } from '../../src/nodes/edit-timeline.node';
import type { TemplateRecord } from '../../src/nodes/node-context';
import { createNodeTestContext, type NodeTestContext } from '../support/node-test-context';
import { sampleCaptions, sampleFootage, sampleSentences, sentence } from './sample-inputs';

const templates: TemplateRecord[] = [
  ...builtInTemplates.map((t) => ({ id: t.id, name: t.name, aspect: t.aspect, resolution: t.resolution, spec: t.spec })),
  {
    id: 'tmpl_broken',
    name: 'Broken',
    aspect: '9:16',
    resolution: '1080x1920',
    spec: { tracks: [{ type: 'video', id: 'main', z: 0 }], rules: { min_scene: 5, max_scene: 2 } },
  },
  {
    // A sticker wider than the safe area's centred part (72 % of a 9:16 frame), from a template that keeps to the safe area and one that opts out.
    id: 'tmpl_wide_sticker',
    name: 'Wide sticker',
    aspect: '9:16',
    resolution: '1080x1920',
    spec: {
      tracks: [
        { type: 'video', id: 'main', z: 0 },
        { type: 'overlay', id: 'stickers', z: 5 },
      ],
      overlays: [{ track: 'stickers', content: { type: 'image', placeholder: 'logo', pos: 'bottom', width: 0.9 } }],
    },
  },
  {
    id: 'tmpl_full_frame',
    name: 'Full frame',
    aspect: '9:16',
    resolution: '1080x1920',
    spec: { tracks: [{ type: 'video', id: 'main', z: 0 }], safe_area: false },
  },
  {
    id: 'tmpl_choppy',
    name: 'Choppy',
    aspect: '9:16',
    resolution: '1080x1920',
    spec: { tracks: [{ type: 'video', id: 'main', z: 0 }], rules: { min_scene: 0.2, max_scene: 0.5 } },
  },
  {
    id: 'tmpl_no_cover',
    name: 'No cover',
    aspect: '9:16',
    resolution: '1080x1920',
    spec: { tracks: [{ type: 'video', id: 'main', z: 0 }], cover: { mode: 'none' } },
  },
];
const inputs = { footage: sampleFootage([10, 10, 10, 10]), captions: sampleCaptions(sampleSentences, 11.5) };
const musicKey = 'orgs/org_test/uploads/music.mp3';

let contexts: NodeTestContext[] = [];
async function context(variables: Record<string, unknown> = {}): Promise<NodeTestContext> {
  const nt = await createNodeTestContext({ templates, variables, nodeId: 'n5' });
  contexts.push(nt);
  return nt;
}

afterEach(async () => {
  await Promise.all(contexts.map((c) => c.cleanup()));
  contexts = [];
});

const params = (p: Record<string, unknown>) => editTimelineNode.params.parse(p);

describe('Edit.Timeline', () => {
  it('declares its ports and stage', () => {
    expect(editTimelineNode).toMatchObject({
      type: 'Edit.Timeline',
      stage: 'edit',
      output: 'timeline',
      inputs: { footage: { kind: 'footage' }, captions: { kind: 'captions' } },
    });
  });

  it("uses the profile of the template's aspect and resolution unless one is given", async () => {
    const nt = await context();
    expect((await editTimelineNode.run(nt.ctx, inputs, params({ template_id: 'tmpl_shorts_v1' }))).profile.name).toBe('9x16_1080p');
    expect((await editTimelineNode.run(nt.ctx, inputs, params({ template_id: 'tmpl_landscape_v1' }))).profile.name).toBe('16x9_1080p');
    expect((await editTimelineNode.run(nt.ctx, inputs, params({ template_id: 'tmpl_shorts_v1', profile: '9x16_720p' }))).profile.name).toBe('9x16_720p');
    expect(nt.record.progress).toEqual([1, 1, 1]);
  });

  it('shows every clip before any comes back, and says how many more clips the scenes needed', async () => {
    const nt = await context();
    const timeline = await editTimelineNode.run(nt.ctx, inputs, params({ template_id: 'tmpl_shorts_v1' }));
    // 12 s cut at 3.0 and 9.7 s, the 6.7 s span split in two: four scenes, four distinct clips.
    expect(timeline.clips.map((clip) => clip.source)).toEqual(inputs.footage.clips.map((clip) => clip.file.key));
    expect(nt.record.logs.filter((line) => line.level === 'warn')).toEqual([]);

    const short = { ...inputs, footage: sampleFootage([10, 10]) };
    const reused = await editTimelineNode.run(nt.ctx, short, params({ template_id: 'tmpl_shorts_v1' }));
    const [first, second] = short.footage.clips.map((clip) => clip.file.key);
    expect(reused.clips.map((clip) => clip.source)).toEqual([first, second, first, second]);
    expect(nt.record.logs.filter((line) => line.level === 'warn')).toEqual([
      {
        level: 'warn',
        message: 'not enough footage for every scene: 2 more clips were needed, so some clips are shown twice (from other in-points)',
        data: { clips: 2, pieces: 4, missing: 2 },
      },
    ]);
  });

  it('warns of an image wider than the safe area, names the element and the zones, and says how wide it is drawn', async () => {
    const nt = await context();
    await editTimelineNode.run(nt.ctx, inputs, params({ template_id: 'tmpl_wide_sticker' }));
    expect(nt.record.logs.filter((line) => line.level === 'warn')).toEqual([
      {
        level: 'warn',
        message:
          'template tmpl_wide_sticker: overlays[0] (image "logo") is 90% of the frame width, wider than the safe area at bottom (72%, clear of the left title-safe margin and right button column); it is drawn 72% wide',
        data: {
          template: 'tmpl_wide_sticker',
          element: 'overlays[0].content.width',
          zones: ['left title-safe margin', 'right button column'],
          width: 0.9,
          drawnWidthPx: 778,
        },
      },
    ]);
  });

  it('writes no safe-area warning for the built-in templates, and marks the timeline of a template that opts out', async () => {
    const nt = await context();
    for (const template of builtInTemplates) {
      const timeline = await editTimelineNode.run(nt.ctx, inputs, params({ template_id: template.id }));
      expect(timeline.safeArea).toBeUndefined();
    }
    expect(nt.record.logs.filter((line) => line.level === 'warn' && /safe area/.test(line.message))).toEqual([]);
    expect((await editTimelineNode.run(nt.ctx, inputs, params({ template_id: 'tmpl_full_frame' }))).safeArea).toBe(false);
  });

  it("takes music from the job's variables when it is a stored key of the org", async () => {
    const nt = await context({ music: musicKey });
    await nt.storage.putBytes(musicKey, 'not really audio', { contentType: 'audio/mpeg' });
    const timeline = await editTimelineNode.run(nt.ctx, inputs, params({ template_id: 'tmpl_shorts_v1' }));
    expect(timeline.audio.music).toEqual({ source: musicKey, gainDb: -12, duck: true });
    expect(nt.record.logs.find((l) => l.message === 'timeline built')?.data).toEqual({
      template: 'tmpl_shorts_v1',
      profile: '9x16_1080p',
      durationSeconds: 12,
      pieces: 4,
      distinctClips: 4,
      overlays: 1,
      music: true,
    });
  });

  it("places the job's cover as the template says and logs it", async () => {
    const cover = 'orgs/org_test/uploads/cover.png';
    const nt = await context({ cover });
    await nt.storage.putBytes(cover, 'not really an image', { contentType: 'image/png' });
    const intro = await editTimelineNode.run(nt.ctx, inputs, params({ template_id: 'tmpl_shorts_v1' }));
    const poster = await editTimelineNode.run(nt.ctx, inputs, params({ template_id: 'tmpl_karaoke_v1' }));
    const none = await editTimelineNode.run(nt.ctx, inputs, params({ template_id: 'tmpl_no_cover' }));
    expect([intro.cover, poster.cover, none.cover]).toEqual([{ source: cover, end: 1 }, { source: cover, end: 0.1 }, undefined]);
    expect(nt.record.logs.filter((l) => l.message.includes('cover'))).toEqual([
      {
        level: 'info',
        message: 'cover placed as an intro card for the first 1 s, under the captions and overlays',
        data: { cover, mode: 'intro', thumbnailAt: 28 / 30, seconds: 1, frames: 30 },
      },
      {
        level: 'info',
        message: 'cover placed as the first 3 frames (the poster), under the captions and overlays',
        data: { cover, mode: 'first_frame', thumbnailAt: 1 / 30, seconds: 0.1, frames: 3 },
      },
      {
        level: 'info',
        message: 'the template shows no cover (cover mode "none"): the cover is not in the video',
        data: { cover, mode: 'none', thumbnailAt: none.thumbnailAt },
      },
    ]);
  });

  it("refuses a variable naming another org's file", async () => {
    const nt = await context({ logo: 'orgs/org_other/uploads/logo.png' });
    await expect(editTimelineNode.run(nt.ctx, inputs, params({ template_id: 'tmpl_shorts_v1' }))).rejects.toMatchObject({
      code: 'NODE_INPUT_INVALID',
      message: 'Node n5 (Edit.Timeline) cannot run on its input: variable "logo" names a storage key outside this org: orgs/org_other/uploads/logo.png',
    });
  });

  it('refuses a variable naming a key with nothing stored', async () => {
    const nt = await context({ music: musicKey });
    await expect(editTimelineNode.run(nt.ctx, inputs, params({ template_id: 'tmpl_shorts_v1' }))).rejects.toMatchObject({
      code: 'NODE_INPUT_INVALID',
      message: `Node n5 (Edit.Timeline) cannot run on its input: variable "music" names a storage key with nothing stored: ${musicKey}`,
    });
  });

  it('fails with TEMPLATE_SPEC_INVALID on a template whose spec is wrong', async () => {
    const nt = await context();
    await expect(editTimelineNode.run(nt.ctx, inputs, params({ template_id: 'tmpl_broken' }))).rejects.toMatchObject({
      code: 'TEMPLATE_SPEC_INVALID',
      message: 'Template tmpl_broken has an invalid spec at rules.max_scene: max_scene must be at least min_scene',
    });
  });

  it('fails with TIMELINE_TOO_LARGE when the template cuts a long narration into more pieces than one render takes', async () => {
    const nt = await context();
    // 180 s of narration and a 0.5 s tail cut every half second: 361 pieces, each its own decoder in the render.
    const long = { footage: sampleFootage([200, 200]), captions: sampleCaptions([sentence('A long narration.', 0, 0, 180)], 180) };
    await expect(editTimelineNode.run(nt.ctx, long, params({ template_id: 'tmpl_choppy' }))).rejects.toMatchObject({
      code: 'TIMELINE_TOO_LARGE',
      details: { limit: 'clips', value: 361, max: 120 },
    });
    expect(nt.record.progress).toEqual([]);
  });

  it('fails with TIMELINE_TOO_LONG past the 60 s a 9:16 profile takes, before anything is rendered, and lets 16:9 run longer', async () => {
    const nt = await context();
    const narration = (seconds: number) => ({
      footage: sampleFootage([40, 40]),
      captions: sampleCaptions([sentence('A long narration.', 0, 0, seconds)], seconds),
    });
    // 59.5 s of speech and the 0.5 s tail: exactly 60 s, the limit.
    expect((await editTimelineNode.run(nt.ctx, narration(59.5), params({ template_id: 'tmpl_shorts_v1' }))).durationSeconds).toBe(60);
    // The tail gives way to the limit: 59.8 s and 60 s of speech still make a 60 s Short.
    expect((await editTimelineNode.run(nt.ctx, narration(59.8), params({ template_id: 'tmpl_shorts_v1' }))).durationSeconds).toBe(60);
    expect((await editTimelineNode.run(nt.ctx, narration(60), params({ template_id: 'tmpl_shorts_v1' }))).durationSeconds).toBe(60);
    await expect(editTimelineNode.run(nt.ctx, narration(60.2), params({ template_id: 'tmpl_shorts_v1' }))).rejects.toThrow(
      new FentaError('TIMELINE_TOO_LONG', { seconds: '60.70', profile: '9x16_1080p', limit: 60 }),
    );
    await expect(editTimelineNode.run(nt.ctx, narration(70), params({ template_id: 'tmpl_shorts_v1', profile: '9x16_720p' }))).rejects.toThrow(
      new FentaError('TIMELINE_TOO_LONG', { seconds: '70.50', profile: '9x16_720p', limit: 60 }),
    );
    expect((await editTimelineNode.run(nt.ctx, narration(70), params({ template_id: 'tmpl_landscape_v1' }))).durationSeconds).toBe(70.5);
  });

  it('refuses an unknown profile in its params', () => {
    expect(editTimelineNode.params.safeParse({ template_id: 'tmpl_shorts_v1', profile: '9x16_4k' }).success).toBe(false);
  });
});
