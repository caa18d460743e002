import { builtInTemplates } from '@fenta/db';
import { getOutputProfile } from '../../src/render/output-profiles';
import { buildTimeline } from '../../src/timeline/build-timeline';
import { planScenes } from '../../src/timeline/plan-scenes';
import { parseTemplateSpec } from '@fenta/graph';
import { sampleCaptions, sampleFootage, sampleSentences, sentence } from './sample-inputs';

const shorts = builtInTemplates.find((t) => t.id === 'tmpl_shorts_v1')!;
const karaoke = builtInTemplates.find((t) => t.id === 'tmpl_karaoke_v1')!;
const shortsSpec = parseTemplateSpec(shorts.id, shorts.spec);
const profile = getOutputProfile('9x16_1080p');
const captions = sampleCaptions(sampleSentences, 11.5);
const clipKey = (i: number) => `orgs/org_test/jobs/job_test/n1/clip-${i}.mp4`;

describe('buildTimeline', () => {
  it('lasts the speech plus a half-second tail, rounded up to a frame', () => {
    const timeline = buildTimeline({ footage: sampleFootage([10, 10, 10, 10, 10]), captions, spec: shortsSpec, profile });
    expect(timeline.durationSeconds).toBe(12);
    const odd = buildTimeline({ footage: sampleFootage([10]), captions: sampleCaptions([sentence('Hello.', 0, 0, 1.99)], 1.99), spec: shortsSpec, profile });
    // 2.49 s is 74.7 frames: 75 frames.
    expect(odd.durationSeconds).toBe(2.5);
  });

  it('cuts on sentence starts, joins a too-short headline and splits a too-long sentence at a word start', () => {
    const timeline = buildTimeline({ footage: sampleFootage([10, 10, 10, 10, 10]), captions, spec: shortsSpec, profile });
    // 1.1 (after a 1 s headline) would leave a 1.1 s scene, under min_scene 1.2; 11.0 would leave 1.0 s at the end.
    // 3.0 and 9.7 are sentence starts; 6.1 is the word start nearest the middle of the 6.7 s span between them.
    expect(timeline.clips).toEqual([
      { source: clipKey(0), inPoint: 0, start: 0, end: 3 },
      { source: clipKey(1), inPoint: 0, start: 3, end: 6.1 },
      { source: clipKey(2), inPoint: 0, start: 6.1, end: 9.7 },
      { source: clipKey(3), inPoint: 0, start: 9.7, end: 12 },
    ]);
  });

  it("names each clip's draft rendition beside it, for the preview, where the footage has one", () => {
    const footage = sampleFootage([10, 10, 10, 10, 10]);
    const draftKey = (i: number) => `orgs/org_test/jobs/job_test/n1/clip-${i}-draft.mp4`;
    footage.clips = footage.clips.map((clip, i) =>
      i % 2 ? clip : { ...clip, draft: { file: { key: draftKey(i), contentType: 'video/mp4', bytes: 1 }, width: 540, height: 960 } },
    );
    const timeline = buildTimeline({ footage, captions, spec: shortsSpec, profile });
    expect(timeline.clips.map((c) => [c.source, c.draftSource])).toEqual([
      [clipKey(0), draftKey(0)],
      [clipKey(1), undefined],
      [clipKey(2), draftKey(2)],
      [clipKey(3), undefined],
    ]);
  });

  it('never repeats a clip while unused clips remain', () => {
    const timeline = buildTimeline({ footage: sampleFootage([10, 10, 10, 10, 10]), captions, spec: shortsSpec, profile });
    const sources = timeline.clips.map((c) => c.source);
    expect(new Set(sources).size).toBe(sources.length);
  });

  it("shows each beat's own clips while the beat is spoken, then any unused clip before repeating one", () => {
    const tagged = (beats: number[]) => {
      const footage = sampleFootage(beats.map(() => 10));
      return { ...footage, clips: footage.clips.map((clip, i) => ({ ...clip, beat: beats[i]! })) };
    };
    // Scenes: 0–3 s starts in beat 0, 3–6.1 and 6.1–9.7 in beat 1, 9.7–12 in beat 2.
    const timeline = buildTimeline({ footage: tagged([2, 1, 0, 1]), captions, spec: shortsSpec, profile });
    expect(timeline.clips.map((clip) => clip.source)).toEqual([clipKey(2), clipKey(1), clipKey(3), clipKey(0)]);
    // Beat 1 has one clip for its two scenes: the second takes an unused clip (of another beat) before any repeat.
    const short = buildTimeline({ footage: tagged([0, 1, 2, 3]), captions, spec: shortsSpec, profile });
    expect(short.clips.map((clip) => clip.source)).toEqual([clipKey(0), clipKey(1), clipKey(2), clipKey(3)]);
  });

  it('reuses the least recently used clip from where it left off when clips run out', () => {
    const timeline = buildTimeline({ footage: sampleFootage([10, 10]), captions, spec: shortsSpec, profile });
    expect(timeline.clips).toEqual([
      { source: clipKey(0), inPoint: 0, start: 0, end: 3 },
      { source: clipKey(1), inPoint: 0, start: 3, end: 6.1 },
      { source: clipKey(0), inPoint: 3, start: 6.1, end: 9.7 },
      { source: clipKey(1), inPoint: 3.1, start: 9.7, end: 12 },
    ]);
  });

  it('continues a scene with the next clip when a clip is shorter than the scene', () => {
    const timeline = buildTimeline({ footage: sampleFootage([2, 10, 10, 10]), captions, spec: shortsSpec, profile });
    // 0.1 s of every clip's end is kept unused: clip 0 gives 1.9 s.
    expect(timeline.clips.slice(0, 3)).toEqual([
      { source: clipKey(0), inPoint: 0, start: 0, end: 1.9 },
      { source: clipKey(1), inPoint: 0, start: 1.9, end: 3 },
      { source: clipKey(2), inPoint: 0, start: 3, end: 6.1 },
    ]);
  });

  it("keeps the sample template's overlay, subtitle layer and z-order", () => {
    const timeline = buildTimeline({ footage: sampleFootage([10, 10, 10, 10, 10]), captions, spec: shortsSpec, profile });
    expect(timeline.overlays).toEqual([
      {
        kind: 'text',
        text: 'BREAKING STORY',
        start: 0,
        end: 3,
        position: 'top',
        animation: 'slide-down',
        font: 'Inter:bold',
        size: 76,
        color: '#FFFFFF',
        box: true,
        z: 20,
      },
    ]);
    expect(timeline.subtitles).toEqual({ source: captions.ass.key, z: 10 });
    expect(timeline.srt).toBe(captions.srt.key);
    expect(timeline.audio).toEqual({ voice: { source: captions.speech.audio.key, gainDb: 0 }, loudnessLufs: -14 });
    expect(timeline.thumbnailAt).toBe(1.5);
    expect(timeline.profile).toEqual(profile);
  });

  it('adds music (ducked) and a logo above every track when the job provides them', () => {
    const music = 'orgs/org_test/uploads/music.mp3';
    const logo = 'orgs/org_test/uploads/logo.png';
    const timeline = buildTimeline({ footage: sampleFootage([10, 10, 10, 10]), captions, spec: shortsSpec, profile, placeholders: { music, logo } });
    expect(timeline.audio.music).toEqual({ source: music, gainDb: -12, duck: true });
    expect(timeline.overlays[1]).toEqual({
      kind: 'image',
      source: logo,
      start: 0,
      end: 12,
      position: 'top-right',
      animation: 'none',
      widthFraction: 0.18,
      z: 21,
    });
  });

  it('lays an intro cover card over the first second, keeping the length, the cuts, the audio and the captions', () => {
    const cover = 'orgs/org_test/uploads/cover.png';
    const without = buildTimeline({ footage: sampleFootage([10, 10, 10, 10, 10]), captions, spec: shortsSpec, profile });
    const timeline = buildTimeline({ footage: sampleFootage([10, 10, 10, 10, 10]), captions, spec: shortsSpec, profile, placeholders: { cover } });
    expect(timeline.cover).toEqual({ source: cover, end: 1 });
    expect(without.cover).toBeUndefined();
    // Nothing is shifted: the card only covers the opening footage.
    const { cover: _, ...rest } = timeline;
    expect({ ...rest, thumbnailAt: without.thumbnailAt }).toEqual(without);
    // The headline is fully down from frame 12 (0.4 s) and the card ends at frame 30: frame 28, one clear of the card's end.
    expect(timeline.thumbnailAt).toBe(28 / 30);
    expect(without.thumbnailAt).toBe(1.5);
  });

  it('shows a first_frame cover for 3 frames, never longer than the video, and none for mode none', () => {
    const cover = 'orgs/org_test/uploads/cover.png';
    const spec = (value: unknown) => parseTemplateSpec('t', { ...karaoke.spec, cover: value });
    const build = (value: unknown, speech = captions) =>
      buildTimeline({ footage: sampleFootage([10, 10, 10, 10, 10]), captions: speech, spec: spec(value), profile, placeholders: { cover } });
    const poster = build({ mode: 'first_frame' });
    expect(poster.cover).toEqual({ source: cover, end: 0.1 });
    // No headline: the thumbnail is the cover, one frame in.
    expect(poster.thumbnailAt).toBe(1 / 30);
    const short = sampleCaptions([sentence('Hello.', 0, 0, 1.0)], 1.0);
    expect(build({ mode: 'intro', seconds: 5 }, short).cover).toEqual({ source: cover, end: 1.5 });
    const none = build({ mode: 'none' });
    expect(none).toEqual(buildTimeline({ footage: sampleFootage([10, 10, 10, 10, 10]), captions, spec: spec({ mode: 'none' }), profile }));
    expect(none.cover).toBeUndefined();
  });

  it('takes the thumbnail where the headline is fully on screen: after its entrance, before its exit', () => {
    const headline = (from: number, to: number, anim: string) =>
      parseTemplateSpec('t', {
        tracks: [
          { type: 'video', id: 'main', z: 0 },
          { type: 'overlay', id: 'o', z: 5 },
        ],
        overlays: [
          { track: 'o', from: from + 1, to: to + 1, content: { type: 'text', text: 'LATER TEXT' } },
          { track: 'o', from, to, content: { type: 'text', text: 'HEADLINE', anim } },
        ],
        cover: { mode: 'intro' },
      });
    const thumbnail = (spec: ReturnType<typeof headline>, cover?: string) =>
      buildTimeline({ footage: sampleFootage([10, 10, 10, 10, 10]), captions, spec, profile, placeholders: cover ? { cover } : {} }).thumbnailAt;
    // The first scene is 0-3 s: its middle, 1.5 s, shows a headline of 0-3 s fully.
    expect(thumbnail(headline(0, 3, 'slide-down'))).toBe(1.5);
    // A headline of 5-8 s slides down until 5.4 s: frame 163, one after.
    expect(thumbnail(headline(5, 8, 'slide-down'))).toBe(163 / 30);
    // Without animation a headline of 0-1.2 s is on screen until frame 35; with a fade it fades out from 0.8 s (frame 24).
    expect(thumbnail(headline(0, 1.2, 'none'))).toBe(34 / 30);
    expect(thumbnail(headline(0, 1.2, 'fade'))).toBe(22 / 30);
    // The cover card (0-1 s) does not show a headline of 5-8 s: the headline wins.
    expect(thumbnail(headline(5, 8, 'slide-down'), 'orgs/org_test/uploads/cover.png')).toBe(163 / 30);
  });

  it('keeps the size of a headline too long for one line: it is wrapped when rendered', () => {
    const spec = parseTemplateSpec('t', {
      tracks: [
        { type: 'video', id: 'main', z: 0 },
        { type: 'overlay', id: 'o', z: 5 },
      ],
      overlays: [{ track: 'o', from: 0, to: 2, content: { type: 'text', text: 'A HEADLINE THAT IS FAR TOO LONG FOR ONE LINE' } }],
    });
    const timeline = buildTimeline({ footage: sampleFootage([20]), captions, spec, profile: getOutputProfile('9x16_720p') });
    // 7% of the short side, as for any headline: fitTextInBox wraps it into the frame at render time.
    expect(timeline.overlays[0]).toMatchObject({ size: 50, position: 'top', animation: 'none' });
    expect(timeline.subtitles).toBeUndefined();
  });

  it('fails with NODE_INPUT_INVALID when there is no footage', () => {
    expect(() => buildTimeline({ footage: sampleFootage([]), captions, spec: shortsSpec, profile, nodeId: 'n5' })).toThrow(
      expect.objectContaining({ code: 'NODE_INPUT_INVALID', message: 'Node n5 (Edit.Timeline) cannot run on its input: there is no footage to cut' }),
    );
  });
});

describe('planScenes', () => {
  it('honours min_scene and max_scene over many sentence layouts', () => {
    const rulesOf = (t: typeof shorts) => parseTemplateSpec(t.id, t.spec).rules;
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (const template of [shorts, karaoke]) {
      const rules = rulesOf(template);
      for (let run = 0; run < 50; run += 1) {
        const sentences = [];
        let at = 0;
        for (let i = 0; i < 8; i += 1) {
          const length = 0.3 + random() * 7;
          const count = Math.max(1, Math.round(length * 2.5));
          const words = Array.from({ length: count }, (_, w) => at + (w * length) / count);
          sentences.push(sentence('word '.repeat(words.length).trim(), i, at, at + length, words));
          at += length + random() * 0.3;
        }
        const duration = Math.ceil((at + 0.5) * 30) / 30;
        const scenes = planScenes(sentences, duration, { minScene: rules.min_scene, maxScene: rules.max_scene }, 30);
        expect(scenes[0]!.start).toBe(0);
        expect(scenes[scenes.length - 1]!.end).toBe(duration);
        scenes.forEach((scene, i) => {
          if (i > 0) expect(scene.start).toBe(scenes[i - 1]!.end);
          const length = scene.end - scene.start;
          // Cuts sit on frames: up to one frame of rounding either way.
          expect(length).toBeGreaterThanOrEqual(rules.min_scene - 1 / 30);
          expect(length).toBeLessThanOrEqual(rules.max_scene + 1 / 30);
        });
      }
    }
  });
});
