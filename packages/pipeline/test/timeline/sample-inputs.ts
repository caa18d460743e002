import type { Captions, Footage, SentenceTiming, StoredFile } from '../../src/artifacts/artifact-types';

const base = 'orgs/org_test/jobs/job_test';

function stored(key: string, contentType: string): StoredFile {
  return { key, contentType, bytes: 1000 };
}

/** Footage of clips with these durations, keyed `…/n1/clip-{i}.mp4`. */
export function sampleFootage(durations: number[]): Footage {
  return {
    kind: 'footage',
    clips: durations.map((durationSeconds, i) => ({
      file: stored(`${base}/n1/clip-${i}.mp4`, 'video/mp4'),
      durationSeconds,
      width: 1920,
      height: 1080,
      fps: 30,
      source: { provider: 'offline', id: `clip-${i}` },
      query: 'city',
    })),
  };
}

/** A sentence whose words start at the given times (each word lasts until the next). */
export function sentence(text: string, beat: number, start: number, end: number, wordStarts: number[] = [start]): SentenceTiming {
  const words = text.split(' ');
  return {
    text,
    beat,
    start,
    end,
    words: wordStarts.map((w, i) => ({ word: words[i] ?? 'word', start: w, end: wordStarts[i + 1] ?? end })),
  };
}

/** Captions (carrying their speech) for these sentences and speech length. */
export function sampleCaptions(sentences: SentenceTiming[], durationSeconds: number): Captions {
  return {
    kind: 'captions',
    speech: {
      kind: 'speech',
      audio: stored(`${base}/n3/voice.wav`, 'audio/wav'),
      durationSeconds,
      sampleRate: 22050,
      lang: 'en',
      voice: 'en',
      provider: 'espeak-ng',
      sentences,
      script: { kind: 'script', title: 'Solar city', lang: 'en', beats: [], hashtags: [] },
    },
    cues: [],
    style: {
      preset: 'clean_box',
      font: 'Inter',
      size: 44,
      shadow: true,
      box: true,
      position: 'bottom',
      margin: 120,
      color: '#FFFFFF',
      highlightColor: '#FFD400',
    },
    frame: { width: 1080, height: 1920 },
    srt: stored(`${base}/n4/captions.srt`, 'application/x-subrip'),
    vtt: stored(`${base}/n4/captions.vtt`, 'text/vtt'),
    ass: stored(`${base}/n4/captions.ass`, 'text/x-ssa'),
  };
}

/**
 * Speech of 11.5 s: a 1 s headline (too short for a scene of its own), a
 * sentence, a long 6.6 s sentence (longer than max_scene), and a last
 * sentence split in two short ones near the end.
 */
export const sampleSentences: SentenceTiming[] = [
  sentence('Breaking: the city went solar.', 0, 0, 1.0),
  sentence('Every streetlight now runs on sunlight.', 1, 1.1, 3.0, [1.1, 1.5, 1.9, 2.3, 2.7]),
  sentence('The panels charge by day and the lamps glow all night long without the grid.', 1, 3.0, 9.6, [3.0, 3.5, 4.2, 5.0, 5.6, 6.1, 6.9, 7.5, 8.3, 9.0]),
  sentence('Residents love it.', 2, 9.7, 11.0, [9.7, 10.2, 10.6]),
  sentence('Truly.', 2, 11.0, 11.5),
];
