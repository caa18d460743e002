/**
 * The names params may choose for rendering. They are part of a graph's
 * format, so they live with the node definitions; the frame sizes, bitrates
 * and encoder settings behind each name belong to the renderer.
 */

/** Aspect ratios the renderer has frame sizes for, and their two tiers. */
export const outputAspects = ['9x16', '16x9', '1x1', '4x5'] as const;
export type OutputAspect = (typeof outputAspects)[number];

/** The fast draft profile: a 9:16 video at a quarter of 1080p's pixels, for a look in seconds before the real render. */
export const previewProfileName = 'preview';

/** Every output profile name: `9x16_1080p`, `9x16_720p`, …, and `preview`. */
export const outputProfileNames: [string, ...string[]] = [
  ...outputAspects.flatMap((aspect) => [`${aspect}_1080p`, `${aspect}_720p`]),
  previewProfileName,
] as unknown as [string, ...string[]];

/** The profiles a job's videos are rendered in: every one but the preview, which is asked for with `preview: true`. */
export const publishedProfileNames = outputProfileNames.filter((name) => name !== previewProfileName) as [string, ...string[]];

/** The most output profiles one Output.Render makes (its `profile` and `profiles`, the preview not counted). */
export const maxOutputProfiles = 4;

/** x264's presets, fastest first. */
export const x264Presets = ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow'] as const;
export type X264Preset = (typeof x264Presets)[number];
