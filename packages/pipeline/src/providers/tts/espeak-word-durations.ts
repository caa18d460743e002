import path from 'node:path';
import { isFentaError } from '@fenta/core';
import { analyzeSentenceAudio } from './analyze-sentence-audio';
import { detectSilences } from './detect-silences';
import { mapWithConcurrency } from '../../process/map-with-concurrency';
import { readPcmWav } from './pcm-wav';
import { runEspeak, type EspeakVoiceSettings } from './run-espeak';

// A break far longer than any silence inside a spoken word (stop closures
// last tens of ms even at the slowest rate), so the breaks, and only they,
// part the words.
const breakMs = 300;
const breakDetection = { noiseDb: -50, minSeconds: 0.15 };
// A token that makes no sound alone still takes a little time in a sentence.
const silentWordSeconds = 0.05;

/**
 * How long espeak-ng speaks each word, measured from its own output. All
 * words are synthesized in one run with SSML breaks between them, which
 * keeps each word's sentence context; when the breaks do not part the audio
 * into exactly one piece per word, each word is synthesized alone instead.
 */
export async function measureEspeakWordDurations(words: string[], settings: EspeakVoiceSettings, label: string): Promise<number[]> {
  const ssml = `<speak>${words.map(escapeXml).join(`<break time="${breakMs}ms"/>`)}</speak>`;
  const file = path.join(settings.workDir, `${label}-words.wav`);
  await runEspeak(settings, ['-m', '-w', file, '--', ssml]);
  const wav = await readPcmWav(file, { signal: settings.signal, provider: 'espeak-ng' });
  const pieces = speechBetween(detectSilences(wav, breakDetection), wav.durationSeconds, 0.01);
  if (pieces.length === words.length) return pieces;
  return mapWithConcurrency(words, 2, settings.signal, async (word, i, signal) => {
    const alone = path.join(settings.workDir, `${label}-word-${i}.wav`);
    await runEspeak({ ...settings, signal }, ['-w', alone, '--', word]);
    try {
      const audio = await analyzeSentenceAudio(alone, { signal, provider: 'espeak-ng' });
      return audio.speechEnd - audio.speechStart;
    } catch (error) {
      if (isFentaError(error) && error.code === 'PROVIDER_RESPONSE_INVALID') return silentWordSeconds;
      throw error;
    }
  });
}

/** Lengths of the sounding stretches between silences (slivers under `minPiece` are clicks, not words). */
function speechBetween(silences: Array<{ start: number; end: number }>, duration: number, minPiece: number): number[] {
  const pieces: number[] = [];
  let at = 0;
  for (const silence of silences) {
    if (silence.start - at >= minPiece) pieces.push(silence.start - at);
    at = silence.end;
  }
  if (duration - at >= minPiece) pieces.push(duration - at);
  return pieces;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
