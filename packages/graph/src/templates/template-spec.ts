import { FentaError } from '@fenta/core';
import { z } from 'zod';
import { formatPath } from '../workflow-graph';
import { templateSpecLimits } from './template-spec-limits';

// Objects are loose (unknown keys kept) because the spec format is open:
// templates may carry fields other tools read. Fields the timeline and the
// renderer act on are exact: their types, ranges and cross-references.

const trackId = z.string().min(1).max(64);
const zIndex = z.number().int().min(-1000).max(1000);
const seconds = z.number().finite().nonnegative();
const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour is #RRGGBB');

const overlayPosition = z.enum(['top', 'center', 'bottom']);
const imagePosition = z.enum(['top', 'center', 'bottom', 'top-right', 'top-left', 'bottom-right', 'bottom-left']);
const overlayAnimation = z.enum(['none', 'fade', 'slide-down', 'slide-up']);
const fontName = z.string().min(1).max(templateSpecLimits.fontNameCharacters, `a font name has at most ${templateSpecLimits.fontNameCharacters} characters`);
/** Characters as people count them (code points), not UTF-16 units. */
const characters = (text: string) => [...text].length;

const subtitleStyle = z.looseObject({
  font: fontName.optional(),
  size: z.number().positive().optional(),
  shadow: z.boolean().optional(),
  bg: z.string().optional(),
  position: overlayPosition.optional(),
  margin: z.number().nonnegative().optional(),
});

const track = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('video'), id: trackId, z: zIndex }),
  z.looseObject({ type: z.literal('subtitle'), id: trackId, z: zIndex, style: subtitleStyle.optional() }),
  z.looseObject({ type: z.literal('overlay'), id: trackId, z: zIndex }),
]);

const textContent = z.looseObject({
  type: z.literal('text'),
  text: z
    .string()
    .trim()
    .min(1)
    .refine((t) => characters(t) <= templateSpecLimits.textCharacters, `an overlay text has at most ${templateSpecLimits.textCharacters} characters`),
  pos: overlayPosition.default('top'),
  anim: overlayAnimation.default('none'),
  font: fontName.optional(),
  /** Pixels at the output height. */
  size: z.number().positive().max(400).optional(),
  color: hexColor.optional(),
  box: z.boolean().optional(),
});

const imageContent = z.looseObject({
  type: z.literal('image'),
  /** Which placeholder fills the image (e.g. `logo`); skipped when the job does not provide it. */
  placeholder: z.string().min(1),
  pos: imagePosition.default('top-right'),
  anim: overlayAnimation.default('none'),
  /** Width as a fraction of the frame width. */
  width: z.number().gt(0).max(1).default(0.2),
});

const overlay = z
  .looseObject({
    track: trackId,
    from: seconds.default(0),
    /** Absent: until the end of the video. */
    to: seconds.optional(),
    content: z.discriminatedUnion('type', [textContent, imageContent]),
  })
  .refine((o) => o.to === undefined || o.to > o.from, { message: '"to" must be after "from"', path: ['to'] });

/**
 * How the job's `cover` image opens the video. `first_frame`: for a few
 * frames, so the first frame (the poster a platform shows before playing) is
 * the cover; `intro`: a card for `seconds` while the narration already runs.
 * Either way the cover fills the frame like footage and lies under the
 * captions and overlays; `none` leaves it out. A template that does not say
 * gets `first_frame`: the cover is the poster without taking a second of the video.
 */
const cover = z.discriminatedUnion('mode', [
  z.looseObject({ mode: z.literal('none') }),
  z.looseObject({
    mode: z.literal('first_frame'),
    // 3 frames at 30 fps: the first frame whatever a player or a re-encode rounds, and too short for a viewer to notice.
    seconds: z.number().gt(0).max(0.5, 'a first_frame cover lasts at most 0.5 s (longer is mode intro)').default(0.1),
  }),
  z.looseObject({ mode: z.literal('intro'), seconds: z.number().gt(0).max(5, 'an intro cover card lasts at most 5 s').default(1) }),
]);

const placeholderKind = z.string().regex(/^(image|audio|video|text)(_optional)?$/, 'a placeholder is image, audio, video or text, optionally with _optional');

const rules = z
  .looseObject({
    cuts: z.literal('auto_by_beats_or_speech').default('auto_by_beats_or_speech'),
    min_scene: z.number().min(0.2).max(60).default(1.2),
    max_scene: z.number().min(0.5).max(120).default(4.0),
  })
  .refine((r) => r.max_scene >= r.min_scene, { message: 'max_scene must be at least min_scene', path: ['max_scene'] });

const templateSpecSchema = z
  .looseObject({
    tracks: z.array(track).min(1),
    overlays: z.array(overlay).max(templateSpecLimits.overlays, `a template has at most ${templateSpecLimits.overlays} overlays`).default([]),
    placeholders: z.record(z.string(), placeholderKind).default({}),
    rules: rules.default({ cuts: 'auto_by_beats_or_speech', min_scene: 1.2, max_scene: 4.0 }),
    subtitle_style_presets: z.array(z.enum(['clean_box', 'karaoke_bounce'])).default([]),
    cover: cover.default({ mode: 'first_frame', seconds: 0.1 }),
    /**
     * Absent or true: captions and overlays are laid out inside the output's
     * safe area (clear of the platform zones of a 9:16 frame). false: against
     * the full frame, with title-safe margins only, for a template that places
     * its text itself.
     */
    safe_area: z
      .boolean({ error: 'safe_area is true (lay captions and overlays out inside the platform safe area, the default) or false (the full frame)' })
      .optional(),
  })
  .superRefine((spec, issue) => {
    const ids = new Set<string>();
    spec.tracks.forEach((t, i) => {
      if (ids.has(t.id)) issue.addIssue({ code: 'custom', path: ['tracks', i, 'id'], message: `track id "${t.id}" is used twice` });
      ids.add(t.id);
    });
    const videos = spec.tracks.filter((t) => t.type === 'video');
    if (videos.length !== 1) issue.addIssue({ code: 'custom', path: ['tracks'], message: `needs exactly one video track, has ${videos.length}` });
    if (spec.tracks.filter((t) => t.type === 'subtitle').length > 1)
      issue.addIssue({ code: 'custom', path: ['tracks'], message: 'has more than one subtitle track' });
    // The footage is the bottom layer of the frame: everything else is drawn over it.
    const videoZ = videos[0]?.z ?? 0;
    spec.tracks.forEach((t, i) => {
      if (t.type !== 'video' && t.z <= videoZ)
        issue.addIssue({ code: 'custom', path: ['tracks', i, 'z'], message: `z ${t.z} must be above the video track's z ${videoZ}` });
    });
    const coverKind = spec.placeholders.cover;
    if (coverKind !== undefined && !coverKind.startsWith('image'))
      issue.addIssue({
        code: 'custom',
        path: ['placeholders', 'cover'],
        message: `the cover is shown as an image, so its placeholder is image or image_optional, not ${coverKind}`,
      });
    spec.overlays.forEach((o, i) => {
      const target = spec.tracks.find((t) => t.id === o.track);
      if (!target) issue.addIssue({ code: 'custom', path: ['overlays', i, 'track'], message: `no track "${o.track}"` });
      else if (target.type !== 'overlay')
        issue.addIssue({ code: 'custom', path: ['overlays', i, 'track'], message: `track "${o.track}" is a ${target.type} track, not an overlay track` });
    });
  });

/** A parsed template spec: defaults filled, references checked. */
export type TemplateSpec = z.output<typeof templateSpecSchema>;
export type TemplateTrack = TemplateSpec['tracks'][number];
export type TemplateOverlay = TemplateSpec['overlays'][number];

/** Validates a template's spec; TEMPLATE_SPEC_INVALID names the first problem's path (all problems are in `details`). */
export function parseTemplateSpec(templateId: string, spec: unknown): TemplateSpec {
  const result = templateSpecSchema.safeParse(spec);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => ({ path: formatPath(i.path) || 'spec', reason: i.message }));
  const first = problems[0] ?? { path: 'spec', reason: 'invalid' };
  throw new FentaError('TEMPLATE_SPEC_INVALID', { template: templateId, path: first.path, reason: first.reason }, { details: { problems } });
}
