/**
 * The data that flows along a graph's edges. Nodes may run on different
 * workers and resume after a crash, so every value here is plain JSON (it is
 * checkpointed in `job_nodes.output`) and media lives in storage, named by key.
 */

/** A file in storage. Keys are deterministic: `orgs/{org}/jobs/{job}/{node}/{name}`. */
export interface StoredFile {
  key: string;
  contentType: string;
  bytes: number;
}

/** Where a piece of footage came from, for attribution and "no clip repeats". */
export interface FootageSource {
  /** `pexels`, `pixabay`, `assets` (the org's own), or `offline` (generated). */
  provider: string;
  /** The provider's id of the clip (unique per provider). */
  id: string;
  /** The page or file the clip came from, when there is one. */
  url?: string;
  author?: string;
}

export interface FootageClip {
  file: StoredFile;
  durationSeconds: number;
  width: number;
  height: number;
  fps: number;
  source: FootageSource;
  /** The query or tag that found the clip. */
  query: string;
  /** The script beat it was found for (index), when footage was searched beat by beat. */
  beat?: number;
  /**
   * A smaller rendition of the same clip, for draft renders (the preview):
   * downloaded when the job renders a preview and the provider offers a file
   * that still covers the preview's frame with fewer pixels than `file`.
   */
  draft?: { file: StoredFile; width: number; height: number };
}

/** Output of `Input.Stock`: distinct clips, in the order they should appear. */
export interface Footage {
  kind: 'footage';
  clips: FootageClip[];
}

export interface ScriptBeat {
  /** The beat's narration. */
  text: string;
  /** The narration split into sentences, in order; joined they are `text`. */
  sentences: string[];
  /** What footage fits this beat, most specific first. */
  searchTerms: string[];
}

/** Output of `Script.Generate`. */
export interface Script {
  kind: 'script';
  title: string;
  lang: string;
  beats: ScriptBeat[];
  hashtags: string[];
  /** How long the narration is to be, seconds; unset for a given script without a target (it is as long as its text). */
  targetSeconds?: number;
  /** The caller wrote it (provider "given"): fitting it to its target never drops a sentence of it. */
  given?: boolean;
}

export interface WordTiming {
  word: string;
  /** Seconds from the start of the speech audio. */
  start: number;
  end: number;
}

export interface SentenceTiming {
  text: string;
  start: number;
  end: number;
  /** Index of the script beat the sentence belongs to. */
  beat: number;
  words: WordTiming[];
}

/** Output of `Voice.TTS`: one audio file and timings measured from the synthesis itself. */
export interface Speech {
  kind: 'speech';
  audio: StoredFile;
  durationSeconds: number;
  sampleRate: number;
  lang: string;
  voice: string;
  /** Which provider synthesised it (`openai`, `espeak-ng`). */
  provider: string;
  sentences: SentenceTiming[];
  /** The script the speech was made from (title, hashtags, beats), passed on for later nodes. */
  script: Script;
}

/** One caption on screen. Times in seconds of the speech audio. */
export interface CaptionCue {
  start: number;
  end: number;
  /** One or two lines, already broken to fit the frame's safe area. */
  lines: string[];
  /** The words of the cue with their timings, for word-by-word (karaoke) highlighting. */
  words: WordTiming[];
}

/** The resolved look of captions: template subtitle style merged with the node's preset. */
export interface CaptionStyle {
  preset: 'clean_box' | 'karaoke_bounce';
  font: string;
  /** Font size in pixels at the output height. */
  size: number;
  shadow: boolean;
  box: boolean;
  position: 'top' | 'center' | 'bottom';
  /** Distance from the frame edge, in pixels at the output height. */
  margin: number;
  /** `#RRGGBB`. */
  color: string;
  highlightColor: string;
}

/** Output of `Subtitle.Auto`: the speech it captions (passed on) and the caption files. */
export interface Captions {
  kind: 'captions';
  speech: Speech;
  cues: CaptionCue[];
  style: CaptionStyle;
  /** The frame the captions were laid out for (lines are broken to fit it). */
  frame: { width: number; height: number };
  srt: StoredFile;
  vtt: StoredFile;
  ass: StoredFile;
}

/** One output of `Output.Render`: the video, thumbnail and captions for one output profile. */
export interface RenderOutput {
  video: StoredFile;
  thumbnail: StoredFile;
  srt: StoredFile;
  durationSeconds: number;
  width: number;
  height: number;
  fps: number;
  videoCodec: string;
  audioCodec: string;
  bitrateKbps: number;
  profile: string;
}

/** Output of `Output.Render`: its main profile's output, and those of its other profiles and its preview when it made them. */
export interface RenderResult extends RenderOutput {
  kind: 'render';
  /** One per further profile asked for (`profiles`), in that order. */
  outputs?: RenderOutput[];
  preview?: RenderOutput;
}
