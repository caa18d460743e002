import { defaultPriceTable, priceUsage } from '../../src/usage/price-table';

describe('priceUsage', () => {
  it("prices speech at OpenAI's list prices: per 1,000 characters synthesized, per minute transcribed", () => {
    const tts = (model: string, characters: number) => priceUsage(defaultPriceTable, { resource: 'tts_characters', model, characters });
    const transcription = (model: string, minutes: number) => priceUsage(defaultPriceTable, { resource: 'transcription_minutes', model, minutes });
    expect(tts('gpt-4o-mini-tts', 10_000)).toBe(0.15);
    expect(tts('tts-1', 10_000)).toBe(0.15);
    expect(tts('tts-1-hd', 10_000)).toBe(0.3);
    expect(transcription('whisper-1', 10)).toBe(0.06);
    expect(transcription('gpt-4o-mini-transcribe', 10)).toBe(0.03);
    expect(transcription('gpt-4o-transcribe', 10)).toBe(0.06);
    // Models not listed take the rate of the default model.
    expect(tts('some-new-voice-model', 10_000)).toBe(tts('gpt-4o-mini-tts', 10_000));
    expect(transcription('some-new-transcriber', 10)).toBe(transcription('whisper-1', 10));
  });
});
