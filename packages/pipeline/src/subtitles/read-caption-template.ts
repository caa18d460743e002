import { FentaError } from '@fenta/core';
import { z } from 'zod';
import type { TemplateRecord } from '../nodes/node-context';
import { timelineLimits } from '../timeline/timeline-limits';

/** The subtitle track style of a template spec, as the spec writes it (sizes in pixels at the template's height). */
export interface TemplateSubtitleStyle {
  font?: string;
  size?: number;
  shadow?: boolean;
  bg?: 'box' | 'none';
  position?: 'top' | 'center' | 'bottom';
  margin?: number;
  color?: string;
  highlight_color?: string;
}

/** What captions take from a template: the frame, the subtitle track's style, the presets it offers, and whether it keeps to the safe area. */
export interface CaptionTemplate {
  frame: { width: number; height: number };
  style: TemplateSubtitleStyle | undefined;
  /** Where the style is in the spec (`spec.tracks[1].style`), for log lines about it. */
  stylePath: string | undefined;
  presets: string[];
  /** false when the spec says `safe_area: false`: captions are laid out against the full frame. */
  safeArea: boolean;
}

const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #RRGGBB');

// Only the fields captions use are checked; the rest of the spec belongs to other nodes.
const subtitleStyle = z.object({
  font: z.string().trim().min(1).max(timelineLimits.fontNameCharacters).optional(),
  size: z.number().positive().max(1000).optional(),
  shadow: z.boolean().optional(),
  bg: z.enum(['box', 'none']).optional(),
  position: z.enum(['top', 'center', 'bottom']).optional(),
  margin: z.number().min(0).optional(),
  color: hexColor.optional(),
  highlight_color: hexColor.optional(),
});

const captionSpec = z.object({
  tracks: z.array(z.looseObject({ type: z.string(), style: z.unknown().optional() })).optional(),
  subtitle_style_presets: z.array(z.string()).optional(),
  safe_area: z.boolean().optional(),
});

/** Reads a template's frame (`resolution`, e.g. `1080x1920`) and subtitle track; TEMPLATE_SPEC_INVALID names the path of a bad field. */
export function readCaptionTemplate(template: TemplateRecord): CaptionTemplate {
  const invalid = (path: string, reason: string) => new FentaError('TEMPLATE_SPEC_INVALID', { template: template.id, path, reason });
  const size = /^(\d{2,5})x(\d{2,5})$/.exec(template.resolution.trim());
  if (!size) throw invalid('resolution', `"${template.resolution}" is not WIDTHxHEIGHT`);
  const frame = { width: Number(size[1]), height: Number(size[2]) };

  const spec = captionSpec.safeParse(template.spec);
  if (!spec.success) throw invalid(issuePath('spec', spec.error.issues[0]), spec.error.issues[0]?.message ?? 'invalid');
  const tracks = spec.data.tracks ?? [];
  const index = tracks.findIndex((track) => track.type === 'subtitle');
  let style: TemplateSubtitleStyle | undefined;
  let stylePath: string | undefined;
  if (index >= 0 && tracks[index]!.style !== undefined) {
    stylePath = `spec.tracks[${index}].style`;
    const parsed = subtitleStyle.safeParse(tracks[index]!.style);
    if (!parsed.success) throw invalid(issuePath(stylePath, parsed.error.issues[0]), parsed.error.issues[0]?.message ?? 'invalid');
    style = parsed.data;
  }
  return { frame, style, stylePath, presets: spec.data.subtitle_style_presets ?? [], safeArea: spec.data.safe_area ?? true };
}

function issuePath(base: string, issue: { path: PropertyKey[] } | undefined): string {
  return [base, ...(issue?.path ?? []).map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`))].join('').replace(/\.\[/g, '[');
}
