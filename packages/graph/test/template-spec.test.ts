import { builtInTemplates } from '@fenta/db';
import { parseTemplateSpec } from '../src/templates/template-spec';

const sample = builtInTemplates.find((t) => t.id === 'tmpl_shorts_v1')!;

/** The sample spec with a change, for one invalid case at a time. */
function variant(change: (spec: any) => void): unknown {
  const spec = structuredClone(sample.spec);
  change(spec);
  return spec;
}

function problem(spec: unknown): { code: string; message: string } {
  try {
    parseTemplateSpec('tmpl_x', spec);
  } catch (error) {
    const e = error as { code: string; message: string };
    return { code: e.code, message: e.message };
  }
  throw new Error('the spec was accepted');
}

describe('parseTemplateSpec', () => {
  it('accepts every built-in template', () => {
    for (const template of builtInTemplates) expect(() => parseTemplateSpec(template.id, template.spec)).not.toThrow();
  });

  it('reads the sample spec exactly, keeping keys it does not know', () => {
    const spec = parseTemplateSpec(
      sample.id,
      variant((s) => {
        s.brand = { color: '#ff0000' };
      }),
    );
    expect(spec.tracks.map((t) => [t.type, t.id, t.z])).toEqual([
      ['video', 'main', 0],
      ['subtitle', 'subs', 10],
      ['overlay', 'top_text', 20],
    ]);
    expect(spec.overlays).toEqual([{ track: 'top_text', from: 0, to: 3, content: { type: 'text', text: 'BREAKING STORY', pos: 'top', anim: 'slide-down' } }]);
    expect(spec.placeholders).toEqual({ cover: 'image', logo: 'image_optional', music: 'audio_optional' });
    expect(spec.rules).toEqual({ cuts: 'auto_by_beats_or_speech', min_scene: 1.2, max_scene: 4.0 });
    expect(spec.subtitle_style_presets).toEqual(['karaoke_bounce', 'clean_box']);
    expect((spec as Record<string, unknown>).brand).toEqual({ color: '#ff0000' });
  });

  it('fills defaults for what a minimal spec leaves out', () => {
    const spec = parseTemplateSpec('t', { tracks: [{ type: 'video', id: 'main', z: 0 }] });
    expect(spec).toEqual({
      tracks: [{ type: 'video', id: 'main', z: 0 }],
      overlays: [],
      placeholders: {},
      rules: { cuts: 'auto_by_beats_or_speech', min_scene: 1.2, max_scene: 4.0 },
      subtitle_style_presets: [],
      cover: { mode: 'first_frame', seconds: 0.1 },
    });
  });

  it("reads the cover's mode, with each mode's default length", () => {
    const cover = (value: unknown) => parseTemplateSpec('t', { tracks: [{ type: 'video', id: 'main', z: 0 }], cover: value }).cover;
    expect(parseTemplateSpec(sample.id, sample.spec).cover).toEqual({ mode: 'intro', seconds: 1 });
    expect(cover({ mode: 'intro' })).toEqual({ mode: 'intro', seconds: 1 });
    expect(cover({ mode: 'intro', seconds: 2.5 })).toEqual({ mode: 'intro', seconds: 2.5 });
    expect(cover({ mode: 'first_frame' })).toEqual({ mode: 'first_frame', seconds: 0.1 });
    expect(cover({ mode: 'none' })).toEqual({ mode: 'none' });
  });

  it.each([
    [
      'an overlay on a missing track',
      (s: any) => {
        s.overlays[0].track = 'nope';
      },
      'overlays[0].track: no track "nope"',
    ],
    [
      'an overlay on a subtitle track',
      (s: any) => {
        s.overlays[0].track = 'subs';
      },
      'overlays[0].track: track "subs" is a subtitle track, not an overlay track',
    ],
    [
      'an unknown animation',
      (s: any) => {
        s.overlays[0].content.anim = 'spin';
      },
      'overlays[0].content.anim: Invalid option: expected one of "none"|"fade"|"slide-down"|"slide-up"',
    ],
    [
      'an overlay ending before it starts',
      (s: any) => {
        s.overlays[0].from = 3;
        s.overlays[0].to = 1;
      },
      'overlays[0].to: "to" must be after "from"',
    ],
    [
      'max_scene under min_scene',
      (s: any) => {
        s.rules.max_scene = 1;
      },
      'rules.max_scene: max_scene must be at least min_scene',
    ],
    [
      'a z that is not a number',
      (s: any) => {
        s.tracks[1].z = 'top';
      },
      'tracks[1].z: Invalid input: expected number, received string',
    ],
    [
      'a subtitle under the footage',
      (s: any) => {
        s.tracks[1].z = -1;
      },
      "tracks[1].z: z -1 must be above the video track's z 0",
    ],
    [
      'two video tracks',
      (s: any) => {
        s.tracks.push({ type: 'video', id: 'b', z: 1 });
      },
      'tracks: needs exactly one video track, has 2',
    ],
    [
      'a duplicate track id',
      (s: any) => {
        s.tracks[2].id = 'subs';
      },
      'tracks[2].id: track id "subs" is used twice',
    ],
    [
      'an unknown placeholder kind',
      (s: any) => {
        s.placeholders.music = 'song';
      },
      'placeholders.music: a placeholder is image, audio, video or text, optionally with _optional',
    ],
    [
      'an unknown cover mode',
      (s: any) => {
        s.cover = { mode: 'poster' };
      },
      "cover.mode: Invalid discriminator value. Expected 'none' | 'first_frame' | 'intro'",
    ],
    [
      'a cover without a mode',
      (s: any) => {
        s.cover = { seconds: 1 };
      },
      "cover.mode: Invalid discriminator value. Expected 'none' | 'first_frame' | 'intro'",
    ],
    [
      'an intro card of 6 s',
      (s: any) => {
        s.cover = { mode: 'intro', seconds: 6 };
      },
      'cover.seconds: an intro cover card lasts at most 5 s',
    ],
    [
      'a first_frame cover of 1 s',
      (s: any) => {
        s.cover = { mode: 'first_frame', seconds: 1 };
      },
      'cover.seconds: a first_frame cover lasts at most 0.5 s (longer is mode intro)',
    ],
    [
      'an intro card of no time',
      (s: any) => {
        s.cover = { mode: 'intro', seconds: 0 };
      },
      'cover.seconds: Too small: expected number to be >0',
    ],
    [
      'a cover placeholder that is not an image',
      (s: any) => {
        s.placeholders.cover = 'video';
      },
      'placeholders.cover: the cover is shown as an image, so its placeholder is image or image_optional, not video',
    ],
    // The render limits (timelineLimits): one ffmpeg filter per overlay, and text that fits a command line.
    [
      '17 overlays',
      (s: any) => {
        s.overlays = Array.from({ length: 17 }, () => s.overlays[0]);
      },
      'overlays: a template has at most 16 overlays',
    ],
    [
      'an overlay text of 201 characters',
      (s: any) => {
        s.overlays[0].content.text = 'x'.repeat(201);
      },
      'overlays[0].content.text: an overlay text has at most 200 characters',
    ],
    [
      'a font name of 101 characters',
      (s: any) => {
        s.overlays[0].content.font = 'F'.repeat(101);
      },
      'overlays[0].content.font: a font name has at most 100 characters',
    ],
    [
      'a safe_area that is not true or false',
      (s: any) => {
        s.safe_area = 'ignore';
      },
      'safe_area: safe_area is true (lay captions and overlays out inside the platform safe area, the default) or false (the full frame)',
    ],
    [
      'a subtitle font name of 101 characters',
      (s: any) => {
        s.tracks[1].style = { font: 'F'.repeat(101) };
      },
      'tracks[1].style.font: a font name has at most 100 characters',
    ],
  ])('refuses %s with TEMPLATE_SPEC_INVALID and the path', (_name, change, pathAndReason) => {
    const [path, reason] = pathAndReason.split(/: (.*)/s);
    expect(problem(variant(change))).toEqual({ code: 'TEMPLATE_SPEC_INVALID', message: `Template tmpl_x has an invalid spec at ${path}: ${reason}` });
  });

  it('takes 16 overlays, and texts of 200 characters as people count them', () => {
    const spec = parseTemplateSpec(
      't',
      variant((s) => {
        s.overlays = Array.from({ length: 16 }, () => ({ ...s.overlays[0], content: { ...s.overlays[0].content, text: '\u{1F31E}'.repeat(200) } }));
      }),
    );
    expect(spec.overlays).toHaveLength(16);
    expect(spec.overlays[0]!.content).toMatchObject({ type: 'text', text: '\u{1F31E}'.repeat(200) });
  });

  it('reads safe_area: false, the opt-out of the platform safe area', () => {
    expect(
      parseTemplateSpec(
        't',
        variant((s) => (s.safe_area = false)),
      ).safe_area,
    ).toBe(false);
    expect(parseTemplateSpec('t', sample.spec).safe_area).toBeUndefined();
  });

  it('refuses a spec that is not an object', () => {
    expect(problem('tracks')).toEqual({
      code: 'TEMPLATE_SPEC_INVALID',
      message: 'Template tmpl_x has an invalid spec at spec: Invalid input: expected object, received string',
    });
  });
});
