/**
 * What a template spec may hold, checked when the spec is parsed (by the API
 * when a template is saved, by `Edit.Timeline` when it runs). They are part of
 * the render limits (the pipeline's timelineLimits take them from here): every
 * overlay is one ffmpeg filter and every text an argument of one command line.
 */
export const templateSpecLimits = {
  /** Overlays in a template spec (headlines, stickers, images); the job's logo may add one more. */
  overlays: 16,
  /** Characters of an overlay text, and of a caption cue's text (its lines together). */
  textCharacters: 200,
  /** Characters of a font name or fontconfig pattern in a template. */
  fontNameCharacters: 100,
} as const;
