/** A voice or language the synthesizer cannot speak: bad input, never worth a retry. */
export class VoiceNotSupportedError extends Error {
  constructor(
    readonly provider: string,
    readonly voice: string,
    readonly lang: string,
  ) {
    super(`${provider} has no voice for "${voice}" (language "${lang}")`);
    this.name = 'VoiceNotSupportedError';
  }
}
