import type { Footage, Script, SentenceTiming, WordTiming } from '../artifacts/artifact-types';
import type { NodeContext } from '../nodes/node-context';

/** What `Input.Stock` asks a footage source for. */
export interface StockRequest {
  /** Search terms, tried in order until enough distinct clips are found. */
  queries: string[];
  /** Asset tags to match instead of the words of `queries` (the assets provider reads them; the others search `queries`). */
  tags?: string[];
  /** How many distinct clips are wanted. */
  count: number;
  /** The output frame; clips are picked by orientation and the resolution nearest to it. */
  frame: { width: number; height: number };
  /** Clips shorter than this are skipped when longer ones exist. */
  minDurationSeconds: number;
  /** Provider ids already used in this video (no clip repeats). */
  excludeIds: string[];
  /**
   * The longest piece the timeline cuts from one clip (its template's
   * longest scene), when known: a provider that makes its clips (the
   * offline library) makes them no longer than that.
   */
  useSeconds?: number;
  /**
   * The frame of a draft render of the job (the preview), when it makes one:
   * a provider that offers several files of a clip also fetches the smallest
   * that covers this frame, so the draft decodes fewer pixels.
   */
  draftFrame?: { width: number; height: number };
}

/** A source of footage: Pexels, Pixabay, the org's own assets, or the offline library made with ffmpeg. */
export interface StockProvider {
  readonly name: string;
  /** Finds, downloads (within size limits) and stores clips as artifacts of the calling node. */
  fetchClips(ctx: NodeContext, request: StockRequest): Promise<Footage['clips']>;
}

export interface ScriptRequest {
  genre: string;
  lang: string;
  prompt: string;
  /** Target length of the narration, seconds. */
  targetSeconds: number;
  /** How many beats (after the headline) the script should have. */
  beats: number;
  /** The speed factor of the voice that will read it (Voice.TTS's `speed`; 1 = normal): a faster voice needs more words for the same length. */
  voiceSpeed?: number;
  variables: Record<string, unknown>;
  /** The model to write with, when the node names one (writers without models ignore it). */
  model?: string;
}

/** What a paid model's answer is billed for. */
export interface ScriptUsage {
  model: string;
  promptTokens: number;
  outputTokens: number;
}

export interface ScriptResult {
  script: Omit<Script, 'kind'>;
  /** Set when a paid model wrote it. */
  usage?: ScriptUsage;
}

/** Writes narration: an OpenAI-compatible chat model, or the offline deterministic writer. */
export interface ScriptWriter {
  readonly name: string;
  /**
   * `onBilled` is called once a paid model has answered, with what the answer is billed for,
   * before the reply is checked: an answer that is not a usable script is billed all the same.
   */
  write(request: ScriptRequest, signal: AbortSignal, onBilled?: (usage: ScriptUsage) => void): Promise<ScriptResult>;
}

export interface SpeechRequest {
  /** Sentences in order, each with the index of its beat. */
  sentences: Array<{ text: string; beat: number }>;
  voice: string;
  speed: number;
  lang: string;
}

export interface SpeechResult {
  /** A local audio file (WAV or MP3) holding the whole narration. */
  audioPath: string;
  contentType: string;
  sampleRate: number;
  durationSeconds: number;
  /** Measured from the synthesis: per sentence and per word, seconds from the start of the audio. */
  sentences: SentenceTiming[];
  /** Set when a paid synthesizer spoke: what its calls are billed for. */
  usage?: SpeechUsage;
}

/** What a paid synthesis is billed for: the characters it sent, and the audio it had transcribed for word timings. */
export interface SpeechUsage {
  model: string;
  characters: number;
  transcription?: TranscriptionUsage;
}

/** What a paid transcription is billed for: the length of the audio it was sent, by model. */
export interface TranscriptionUsage {
  model: string;
  seconds: number;
}

/** What a transcriber heard; `usage` is set when a paid transcriber heard it. */
export interface Transcription {
  words: WordTiming[];
  text: string;
  usage?: TranscriptionUsage;
}

/** Where a synthesis runs, and where a paid one reports what it was billed for. */
export interface SpeechOptions {
  tempDir: string;
  signal: AbortSignal;
  /**
   * Called once, when the synthesis settles, with what its answered calls
   * are billed for, whether it succeeded or not (a call that answered is
   * billed even when a later sentence fails); never for a free synthesizer.
   */
  onBilled?: (usage: SpeechUsage) => void;
}

/** Speaks: OpenAI TTS, or espeak-ng offline. */
export interface SpeechSynthesizer {
  readonly name: string;
  synthesize(request: SpeechRequest, options: SpeechOptions): Promise<SpeechResult>;
}

/** Word timestamps from audio (OpenAI transcription with timestamp_granularities=word). */
export interface Transcriber {
  readonly name: string;
  /** `onBilled` is called once a paid transcriber has answered, before the answer is checked: an unusable answer is billed too. */
  transcribe(audioPath: string, options: { lang: string; signal: AbortSignal; onBilled?: (usage: TranscriptionUsage) => void }): Promise<Transcription>;
}

/**
 * The providers a worker has. Optional ones exist only when configured (an API
 * key is set). When a node's params ask for a missing one, the node uses the
 * offline provider and says so in the job log, unless `strict` is set, in
 * which case it fails with PROVIDER_UNAVAILABLE.
 */
export interface PipelineProviders {
  strict: boolean;
  stock: { pexels?: StockProvider; pixabay?: StockProvider; assets?: StockProvider; offline: StockProvider };
  script: { openai?: ScriptWriter; offline: ScriptWriter };
  tts: { openai?: SpeechSynthesizer; espeak: SpeechSynthesizer };
  transcription?: Transcriber;
}
