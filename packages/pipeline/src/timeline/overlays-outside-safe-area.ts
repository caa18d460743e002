import type { TemplateSpec } from '@fenta/graph';
import { imageOverlayRect } from '../render/image-overlay-filters';
import { safeArea, zoneAt } from '../render/safe-area';
import type { OutputProfile } from './timeline-ir';

/** A template overlay that cannot be drawn as its spec asks inside the safe area, for a job log warning. */
export interface OverlayOutsideSafeArea {
  message: string;
  data: Record<string, unknown>;
}

/**
 * The template's overlays that do not fit the safe area of the profile's
 * frame. Every named position is a place inside it, and a headline too long
 * for it is wrapped or drawn smaller (see fitTextInBox), so what cannot fit is
 * an image wider than the rectangle it is placed in (a corner of the safe
 * area, or its centred part): it is drawn at that rectangle's width instead,
 * clear of the zones at its sides.
 */
export function overlaysOutsideSafeArea(templateId: string, spec: TemplateSpec, profile: OutputProfile): OverlayOutsideSafeArea[] {
  const area = safeArea(profile, { platformZones: spec.safe_area !== false });
  const percent = (pixels: number) => `${Math.round((pixels / profile.width) * 100)}%`;
  return spec.overlays.flatMap((overlay, i) => {
    const content = overlay.content;
    if (content.type !== 'image') return [];
    const rect = imageOverlayRect({ position: content.pos }, profile, area);
    const asked = profile.width * content.width;
    if (asked <= rect.width) return [];
    const zones = `${zoneAt(area, 'left').name} and ${zoneAt(area, 'right').name}`;
    return [
      {
        message: `template ${templateId}: overlays[${i}] (image "${content.placeholder}") is ${percent(asked)} of the frame width, wider than the safe area at ${content.pos} (${percent(rect.width)}, clear of the ${zones}); it is drawn ${percent(rect.width)} wide`,
        data: {
          template: templateId,
          element: `overlays[${i}].content.width`,
          zones: [zoneAt(area, 'left').name, zoneAt(area, 'right').name],
          width: content.width,
          drawnWidthPx: rect.width,
        },
      },
    ];
  });
}
