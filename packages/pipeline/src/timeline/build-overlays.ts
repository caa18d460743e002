import type { OutputProfile, TimelineOverlay } from './timeline-ir';
import type { TemplateSpec } from '@fenta/graph';
import { toFrame } from './plan-scenes';

/** Storage keys of the job's placeholder media, by placeholder name (`logo`, `music`, `cover`). */
export type PlaceholderMedia = Partial<Record<string, string>>;

const defaultFont = 'Inter';
const defaultLogoWidth = 0.18;

/** Text is sized for the template's frame; a smaller profile scales it down with the frame. */
function scaleSize(size: number, profile: OutputProfile, templateFrame: { width: number; height: number }): number {
  const scale = Math.min(profile.width / templateFrame.width, profile.height / templateFrame.height);
  return Math.max(8, Math.round(size * scale));
}

/** Headlines are bold unless the template names a style (a fontconfig pattern such as `Inter:light`). */
function fontPattern(font: string): string {
  return font.includes(':') ? font : `${font}:bold`;
}

/**
 * The template's overlays on a timeline of `duration` seconds: times clipped
 * to the video, z from the overlay's track, images filled from placeholders
 * (an image whose placeholder the job did not provide is left out). A `logo`
 * the template does not place itself goes to the top-right corner of the
 * safe area (clear of a 9:16 frame's top bar and right button column), above
 * every track, for the whole video.
 */
export function buildOverlays(options: {
  spec: TemplateSpec;
  profile: OutputProfile;
  templateFrame: { width: number; height: number };
  duration: number;
  placeholders: PlaceholderMedia;
}): TimelineOverlay[] {
  const { spec, profile, duration, placeholders } = options;
  const zOf = new Map(spec.tracks.map((t) => [t.id, t.z]));
  const subtitleFont = spec.tracks.find((t) => t.type === 'subtitle')?.style?.font;
  const overlays: TimelineOverlay[] = [];
  for (const o of spec.overlays) {
    const start = toFrame(o.from, profile.fps);
    const end = toFrame(Math.min(o.to ?? duration, duration), profile.fps);
    if (end <= start) continue;
    const z = zOf.get(o.track) ?? 0;
    const c = o.content;
    if (c.type === 'text') {
      overlays.push({
        kind: 'text',
        text: c.text,
        start,
        end,
        position: c.pos,
        animation: c.anim,
        font: fontPattern(c.font ?? subtitleFont ?? defaultFont),
        // 7% of the short side: a headline that reads on a phone without covering the picture.
        // A headline too long for the frame at this size is wrapped, or drawn smaller, when it is rendered (see fitTextInBox).
        size: c.size !== undefined ? scaleSize(c.size, profile, options.templateFrame) : Math.round(Math.min(profile.width, profile.height) * 0.07),
        color: c.color ?? '#FFFFFF',
        box: c.box ?? true,
        z,
      });
    } else {
      const source = placeholders[c.placeholder];
      if (!source) continue;
      overlays.push({ kind: 'image', source, start, end, position: c.pos, animation: c.anim, widthFraction: c.width, z });
    }
  }
  const logo = placeholders.logo;
  const placesLogo = spec.overlays.some((o) => o.content.type === 'image' && o.content.placeholder === 'logo');
  if (logo && !placesLogo) {
    const top = Math.max(...spec.tracks.map((t) => t.z));
    overlays.push({
      kind: 'image',
      source: logo,
      start: 0,
      end: duration,
      position: 'top-right',
      animation: 'none',
      widthFraction: defaultLogoWidth,
      z: top + 1,
    });
  }
  return overlays;
}
