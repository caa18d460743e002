/**
 * The timeline IR: what `Edit.Timeline` produces and `Output.Render` compiles
 * into one ffmpeg command. Plain data: media are storage keys, times are
 * seconds on the output timeline.
 */

export interface OutputProfile {
  /** e.g. `9x16_1080p`. */
  name: string;
  width: number;
  height: number;
  fps: number;
  /** x264 constant rate factor and preset. */
  crf: number;
  preset: string;
  /** Cap on the video bitrate (kbps) so platforms do not re-encode hard. */
  maxBitrateKbps: number;
  audioBitrateKbps: number;
  audioSampleRate: number;
  /** The longest video the profile's platforms take (9:16: 60 s, YouTube Shorts' limit); unset for no limit. */
  maxDurationSeconds?: number;
  /**
   * A draft, never published: footage is decoded without H.264 deblocking and
   * scaled bilinearly, which a downscaled picture barely shows, because
   * decoding is most of a small render's work.
   */
  draft?: boolean;
}

/** A piece of footage placed on the timeline, scaled and cropped to fill the frame. */
export interface TimelineClip {
  source: string;
  /** Where in the source the piece starts, seconds. */
  inPoint: number;
  /** Where on the timeline it starts and ends, seconds. `end - start` seconds of the source are used. */
  start: number;
  end: number;
  /** The same clip's smaller rendition (FootageClip.draft), read instead of `source` by a draft profile. */
  draftSource?: string;
}

export type OverlayPosition = 'top' | 'center' | 'bottom';
export type OverlayAnimation = 'none' | 'fade' | 'slide-down' | 'slide-up';

export interface TextOverlay {
  kind: 'text';
  text: string;
  start: number;
  end: number;
  position: OverlayPosition;
  animation: OverlayAnimation;
  font: string;
  /** Pixels at the output height. */
  size: number;
  color: string;
  box: boolean;
  z: number;
}

export interface ImageOverlay {
  kind: 'image';
  source: string;
  start: number;
  end: number;
  position: OverlayPosition | 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left';
  animation: OverlayAnimation;
  /** Width as a fraction of the frame width. */
  widthFraction: number;
  z: number;
}

export type TimelineOverlay = TextOverlay | ImageOverlay;

/** The job's cover image filling the frame from the video's start, over the footage and under every other layer. */
export interface TimelineCover {
  source: string;
  /** Shown until this time, seconds (a whole number of frames). */
  end: number;
}

export interface TimelineAudio {
  /** The narration; starts at 0. */
  voice: { source: string; gainDb: number };
  /** Background music, looped to the length and ducked under the voice. */
  music?: { source: string; gainDb: number; duck: boolean };
  /** Integrated loudness target of the mix (LUFS), about -14 for social platforms. */
  loudnessLufs: number;
}

export interface Timeline {
  kind: 'timeline';
  profile: OutputProfile;
  durationSeconds: number;
  clips: TimelineClip[];
  overlays: TimelineOverlay[];
  cover?: TimelineCover;
  /** An ASS file burned into the picture, above the footage and below overlays of higher z. */
  subtitles?: { source: string; z: number };
  audio: TimelineAudio;
  /** Captions to ship beside the video (SRT). */
  srt?: string;
  /** Frame to use as the thumbnail, seconds. */
  thumbnailAt: number;
  /** Fonts directory ffmpeg's libass should search, if not the system's. */
  fontsDir?: string;
  /** false: the template opted out of the platform safe area (`safe_area: false`); overlays keep only the title-safe margins. */
  safeArea?: false;
}
