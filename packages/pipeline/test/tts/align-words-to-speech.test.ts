import { alignWordsToSpeech } from '../../src/providers/tts/align-words-to-speech';

const words = ['Crowds', 'gathered', 'at', 'the', 'station,', 'waiting', 'for', 'the', 'train.'];

describe('alignWordsToSpeech', () => {
  it('shares the speech out by the words’ lengths when the audio has no silences', () => {
    expect(alignWordsToSpeech({ words: ['a', 'bb', 'c'], weights: [1, 2, 1], speechStart: 1, speechEnd: 3, silences: [], pauseMinSeconds: 0.1 })).toEqual([
      { word: 'a', start: 1, end: 1.5 },
      { word: 'bb', start: 1.5, end: 2.5 },
      { word: 'c', start: 2.5, end: 3 },
    ]);
  });

  it('puts a pause on the boundary after punctuation when the lengths alone cannot tell', () => {
    // By length alone the pause (half-way through the speech) is as near the boundary
    // before "station," as the one after it; the comma decides.
    const timings = alignWordsToSpeech({
      words,
      weights: [1, 1, 1, 1, 1, 1, 1, 1, 1],
      speechStart: 0,
      speechEnd: 4.2,
      silences: [{ start: 2.0, end: 2.2 }],
      pauseMinSeconds: 0.1,
    });
    expect(timings[4]).toEqual({ word: 'station,', start: expect.any(Number), end: 2.0 });
    expect(timings[5]).toEqual({ word: 'waiting', start: 2.2, end: expect.any(Number) });
    expect(timings[0]!.start).toBe(0);
    expect(timings[8]!.end).toBe(4.2);
    // Before the pause five words share 2.0 s, after it four share 2.0 s.
    expect(timings.slice(0, 5).map((t) => t.end - t.start)).toEqual([0.4, 0.4, 0.4, 0.4, 0.4].map((d) => expect.closeTo(d, 9)));
    expect(timings.slice(5).map((t) => t.end - t.start)).toEqual([0.5, 0.5, 0.5, 0.5].map((d) => expect.closeTo(d, 9)));
  });

  it('moves a boundary onto a short silence close to it, but not onto one deep inside a word', () => {
    const timings = alignWordsToSpeech({
      words: ['one', 'two', 'three'],
      weights: [1, 1, 1],
      speechStart: 0,
      speechEnd: 3,
      // 0.95–1.0 is near the one/two boundary (1.0); 1.45–1.5 is in the middle of "two".
      silences: [
        { start: 0.95, end: 1.0 },
        { start: 1.45, end: 1.5 },
      ],
      pauseMinSeconds: 0.1,
    });
    expect(timings).toEqual([
      { word: 'one', start: 0, end: 0.95 },
      { word: 'two', start: 1.0, end: 2 },
      { word: 'three', start: 2, end: 3 },
    ]);
  });

  it('ignores a pause that fits no boundary better than leaving it inside a word', () => {
    const timings = alignWordsToSpeech({
      words: ['alone'],
      weights: [1],
      speechStart: 0.1,
      speechEnd: 0.9,
      silences: [{ start: 0.4, end: 0.6 }],
      pauseMinSeconds: 0.1,
    });
    expect(timings).toEqual([{ word: 'alone', start: 0.1, end: 0.9 }]);
  });
});
