import { FentaError } from '@fenta/core';
import { spokenSecondsOf } from '@fenta/graph';
import type { ScriptRequest } from '../../src/providers/pipeline-providers';
import { OfflineScriptWriter } from '../../src/providers/script/offline-script-writer';
import { readPromptLength } from '../../src/providers/script/read-prompt-length';
import { scriptTopic, topicKeywords } from '../../src/providers/script/script-topic';
import { splitSentences } from '../../src/providers/script/split-sentences';

const writer = new OfflineScriptWriter();
const signal = new AbortController().signal;
const request: ScriptRequest = {
  genre: 'news',
  lang: 'en',
  prompt: '30s punchy headline + 3 beats',
  targetSeconds: 30,
  beats: 3,
  variables: { topic: 'a city that switched its streetlights to solar power' },
};

describe('OfflineScriptWriter', () => {
  it('writes a headline and the asked beats of 2–3 sentences with search terms from the topic', async () => {
    const { script, usage } = await writer.write(request, signal);
    expect(usage).toBeUndefined();
    expect(script.lang).toBe('en');
    expect(script.title).toContain('a city that switched its streetlights to solar power');
    expect(script.beats).toHaveLength(3);
    for (const beat of script.beats) {
      expect(beat.sentences.length).toBeGreaterThanOrEqual(2);
      expect(beat.sentences.length).toBeLessThanOrEqual(3);
      expect(beat.text).toBe(beat.sentences.join(' '));
      expect(splitSentences(beat.text)).toEqual(beat.sentences);
    }
    expect(script.beats.map((beat) => beat.searchTerms)).toEqual([
      ['city switched', 'city', 'city skyline'],
      ['switched streetlights', 'switched', 'newsroom'],
      ['streetlights solar', 'streetlights', 'busy street'],
    ]);
    expect(script.hashtags).toEqual(['#news', '#city', '#switched', '#streetlights', '#shorts']);
    const allSentences = script.beats.flatMap((beat) => beat.sentences);
    expect(new Set(allSentences).size).toBe(allSentences.length);
  });

  it('gives the same script for the same request, and another for another topic', async () => {
    const first = await writer.write(request, signal);
    const again = await new OfflineScriptWriter().write({ ...request, variables: { ...request.variables } }, signal);
    expect(again).toEqual(first);
    const other = await writer.write({ ...request, variables: { topic: 'a lighthouse keeper who retired after fifty years' } }, signal);
    expect(other.script.title).not.toBe(first.script.title.replace(/a city.*power/, 'a lighthouse keeper who retired after fifty years'));
    expect(other.script.beats[0]?.searchTerms[0]).toBe('lighthouse keeper');
  });

  it.each(['en', 'es', 'de'])('plans %s scripts of the beat count asked for, about as long spoken as the target', async (lang) => {
    for (const [beats, targetSeconds] of [
      [1, 6],
      [3, 15],
      [3, 30],
      [5, 60],
      [10, 180],
    ] as const) {
      const { script } = await writer.write({ ...request, lang, beats, targetSeconds }, signal);
      const counts = script.beats.map((beat) => beat.sentences.length);
      expect(counts).toHaveLength(beats);
      // Every beat has a sentence, and they share the sentences evenly.
      expect(Math.min(...counts)).toBeGreaterThanOrEqual(1);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      const sentences = script.beats.flatMap((beat) => beat.sentences);
      const estimate = sentences.reduce((sum, sentence) => sum + spokenSecondsOf(sentence, lang), 0) + 0.25 * (sentences.length - 1);
      // The nearest a whole number of sentences comes: within one sentence's length (at most 5 s) of the target.
      expect(Math.abs(estimate - targetSeconds)).toBeLessThanOrEqual(Math.max(...sentences.map((sentence) => spokenSecondsOf(sentence, lang))) / 2 + 0.25);
    }
  });

  it('plans for the speed of the voice that reads it: a faster voice gets more words for the same length', async () => {
    const words = (text: string[]) => text.join(' ').split(/\s+/).length;
    const normal = (await writer.write({ ...request, targetSeconds: 40 }, signal)).script.beats.flatMap((beat) => beat.sentences);
    const fast = (await writer.write({ ...request, targetSeconds: 40, voiceSpeed: 1.5 }, signal)).script.beats.flatMap((beat) => beat.sentences);
    const slow = (await writer.write({ ...request, targetSeconds: 40, voiceSpeed: 0.75 }, signal)).script.beats.flatMap((beat) => beat.sentences);
    const estimate = (sentences: string[], speed: number) =>
      sentences.reduce((sum, sentence) => sum + spokenSecondsOf(sentence, 'en', speed), 0) + 0.25 * (sentences.length - 1);
    expect(words(fast)).toBeGreaterThan(words(normal) * 1.3);
    expect(words(slow)).toBeLessThan(words(normal) * 0.85);
    for (const [sentences, speed] of [
      [fast, 1.5],
      [slow, 0.75],
    ] as const) {
      expect(Math.abs(estimate(sentences, speed) - 40)).toBeLessThanOrEqual(
        Math.max(...sentences.map((sentence) => spokenSecondsOf(sentence, 'en', speed))) / 2 + 0.25,
      );
    }
  });

  it('takes the topic from the prompt when there is no topic variable, and fills {{variables}}', async () => {
    const fromPrompt = await writer.write({ ...request, genre: 'science', prompt: 'Explain how solar streetlights work in 3 beats', variables: {} }, signal);
    expect(fromPrompt.script.beats[0]?.sentences[0]).toContain('how solar streetlights work');
    const filled = await writer.write({ ...request, prompt: 'A story about {{place}} at night', variables: { place: 'Lisbon harbour' } }, signal);
    expect(filled.script.beats[0]?.searchTerms).toEqual(['lisbon harbour', 'lisbon', 'city skyline']);
  });

  it('falls back to a genre subject when nothing names one', async () => {
    const { script } = await writer.write({ ...request, variables: {} }, signal);
    expect(script.beats[0]?.sentences[0]).toContain('the story of the day');
    expect(script.beats[0]?.searchTerms).toEqual(['story day', 'story', 'city skyline']);
  });

  it('writes Spanish and German, and refuses languages it has no sentences for', async () => {
    const spanish = await writer.write({ ...request, lang: 'es-MX', variables: { topic: 'la ciudad solar' } }, signal);
    expect(spanish.script.lang).toBe('es');
    expect(spanish.script.beats[0]?.sentences[0]).toMatch(/la ciudad solar/);
    const german = await writer.write({ ...request, lang: 'de', variables: { topic: 'die Solarstadt' } }, signal);
    expect(german.script.lang).toBe('de');
    await expect(writer.write({ ...request, lang: 'fr' }, signal)).rejects.toThrow(
      new FentaError('SCRIPT_LANGUAGE_UNSUPPORTED', { writer: 'offline', lang: '"fr"', supported: 'en, es, de' }),
    );
  });
});

describe('readPromptLength', () => {
  it.each([
    ['30s punchy headline + 3 beats', { beats: 3, targetSeconds: 30 }],
    ['45 sec explainer in 4 points', { beats: 4, targetSeconds: 45 }],
    ['a 1 min story', { targetSeconds: 60 }],
    ['make it 90 seconds', { targetSeconds: 90 }],
    ['five beats please', {}],
  ])('%s', (prompt, expected) => {
    expect(readPromptLength(prompt)).toEqual(expected);
  });
});

describe('scriptTopic and topicKeywords', () => {
  it('prefers the topic variable and drops brief vocabulary from prompts', () => {
    expect(scriptTopic('anything', { topic: '  solar   streetlights ' })).toBe('solar streetlights');
    expect(scriptTopic('30s punchy headline + 3 beats', {})).toBeUndefined();
    expect(scriptTopic('a story about the moon landing', {})).toBe('moon landing');
    expect(topicKeywords('A city that switched its streetlights to solar power')).toEqual(['city', 'switched', 'streetlights', 'solar', 'power']);
  });
});
