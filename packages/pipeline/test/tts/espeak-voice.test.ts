import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { espeakVoicesFor, espeakWordsPerMinute, parseEspeakVoiceList, resolveEspeakVoice, type EspeakVoices } from '../../src/providers/tts/espeak-voice';
import { VoiceNotSupportedError } from '../../src/providers/tts/voice-not-supported-error';

describe('resolveEspeakVoice', () => {
  let installed: EspeakVoices;

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
    ['alloy_fr', 'fr-CA', 'fr-fr'],
    ['alloy_zh', 'zh-Hans', 'cmn'],
    ['cmn', 'zh', 'cmn'],
    ['alloy_ja', 'ja', 'ja'],
    ['nova', 'ja', 'ja'],
    ['alloy', 'ar', 'ar'],
    ['hi', 'hi-IN', 'hi'],
    ['shimmer', 'pt-BR', 'pt-br'],
    ['echo', 'es-MX', 'es'],
    ['en-us+f3', 'en', 'en-us+f3'],
  ])('speaks voice %s for a script in %s with espeak-ng voice %s', (voice, lang, expected) => {
    expect(resolveEspeakVoice(voice, lang, installed)).toBe(expected);
  });

  it('refuses a language espeak-ng cannot speak, with no voice to offer', () => {
    expect(() => resolveEspeakVoice('alloy', 'tlh', installed)).toThrow(VoiceNotSupportedError);
    expect(catchError(() => resolveEspeakVoice('alloy', 'tlh', installed))).toMatchObject({ voicesForLanguage: [] });
  });

  it("refuses a voice that names another language than the script's, offering the voices that speak it", () => {
    for (const [voice, lang] of [
      ['alloy_en', 'ja'],
      ['alloy_fr', 'en'],
      ['de', 'en-US'],
      ['en-gb', 'zh'],
    ] as const) {
      const error = catchError(() => resolveEspeakVoice(voice, lang, installed));
      expect(error).toBeInstanceOf(VoiceNotSupportedError);
      expect(error).toMatchObject({ provider: 'espeak-ng', voice, lang, voicesForLanguage: espeakVoicesFor(lang, installed) });
    }
    expect(espeakVoicesFor('ja', installed)).toEqual(['ja']);
    expect(espeakVoicesFor('zh', installed)).toEqual(expect.arrayContaining(['cmn', 'yue']));
    expect(espeakVoicesFor('en', installed)).toEqual(expect.arrayContaining(['en-us', 'en-gb']));
    expect(espeakVoicesFor('en', installed)).not.toContain('de');
  });

  it('maps speed 1.0 to 175 words per minute, within what espeak-ng accepts', () => {
    expect([0.5, 1, 1.02, 2, 3, 0.1].map(espeakWordsPerMinute)).toEqual([88, 175, 179, 350, 450, 80]);
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected it to throw');
}
