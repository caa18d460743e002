import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { espeakWordsPerMinute, parseEspeakVoiceList, resolveEspeakVoice } from '../../src/providers/tts/espeak-voice';
import { VoiceNotSupportedError } from '../../src/providers/tts/voice-not-supported-error';

describe('resolveEspeakVoice', () => {
  let installed: Set<string>;

  beforeAll(async () => {
    const { stdout } = await promisify(execFile)('espeak-ng', ['--voices']);
    installed = parseEspeakVoiceList(stdout);
  });

  it.each([
    ['alloy_en', 'en', 'en-us'],
    ['en', 'en', 'en-us'],
    ['en-gb', 'en', 'en-gb'],
    ['en_GB', 'en', 'en-gb'],
    ['nova', 'de', 'de'],
    ['alloy_fr', 'en', 'fr-fr'],
    ['shimmer', 'pt-BR', 'pt-br'],
    ['echo', 'es-MX', 'es'],
    ['en-us+f3', 'en', 'en-us+f3'],
  ])('speaks voice %s for a script in %s with espeak-ng voice %s', (voice, lang, expected) => {
    expect(resolveEspeakVoice(voice, lang, installed)).toBe(expected);
  });

  it('refuses a language espeak-ng cannot speak', () => {
    expect(() => resolveEspeakVoice('alloy', 'tlh', installed)).toThrow(VoiceNotSupportedError);
  });

  it('maps speed 1.0 to 175 words per minute, within what espeak-ng accepts', () => {
    expect([0.5, 1, 1.02, 2, 3, 0.1].map(espeakWordsPerMinute)).toEqual([88, 175, 179, 350, 450, 80]);
  });
});
