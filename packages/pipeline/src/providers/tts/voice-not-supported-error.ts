/** A voice or language the synthesizer cannot speak: bad input, never worth a retry. */
export class VoiceNotSupportedError extends Error {
  constructor(
    readonly provider: string,
    readonly voice: string,
    readonly lang: string,
    /** The voices of this synthesizer that speak `lang` (none when it speaks no such language). */
    readonly voicesForLanguage: string[],
  ) {
    super(`${provider} has no voice for "${voice}" that speaks "${lang}"`);
    this.name = 'VoiceNotSupportedError';
  }
}
