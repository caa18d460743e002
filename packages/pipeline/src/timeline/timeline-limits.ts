import { templateSpecLimits } from '@fenta/graph';

/**
 * How large one render may be. A render is one ffmpeg process: every piece
 * of footage is an input with its own demuxer thread and decoder, all opened
 * at the start and kept to the end; every overlay is a filter; and the whole
 * filter graph is one argument of one command line. The caps are sized for
 * what Fenta makes, a Short of up to 60 s with a narration of at most 180 s
 * (Script.Generate's longest), with room to spare, and are checked where a
 * caller can still fix the input: the template spec when it is parsed, the
 * timeline when `Edit.Timeline` builds it.
 */
export const timelineLimits = {
  /**
   * Pieces of footage on one timeline: 180 s cut every 1.5 s on average, or a
   * 60 s Short every half second. Each piece is decoded on its own and its
   * decoder keeps its frames until ffmpeg exits: about 35 MB for a 1080p
   * H.264 source (measured with ffmpeg 5.1), so at this cap some 4 GB.
   */
  clips: 120,
  /** Overlays in a template spec (headlines, stickers, images); the job's logo may add one more. */
  templateOverlays: templateSpecLimits.overlays,
  /** Characters of an overlay text, and of a caption cue's text (its lines together). */
  textCharacters: templateSpecLimits.textCharacters,
  /** Characters of a font name or fontconfig pattern in a template. */
  fontNameCharacters: templateSpecLimits.fontNameCharacters,
  /**
   * Bytes of the compiled ffmpeg command line (every argument and its
   * terminating NUL). Linux refuses a single argument over 128 KiB (the
   * filter graph is one) and all of them with the environment over ARG_MAX
   * (2 MiB with the usual 8 MiB stack); 128 KiB in all keeps far clear of
   * the second, and the filter graph alone is checked against the first.
   * The largest timeline the other caps allow compiles to about 70 KiB with
   * media paths of `localPathBytes` each.
   */
  ffmpegArgumentBytes: 128 * 1024,
  /** What `Edit.Timeline` allows for the local path of each medium, which only the rendering worker knows. */
  localPathBytes: 256,
} as const;
