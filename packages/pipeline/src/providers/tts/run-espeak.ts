import { runChildProcess } from '../../process/run-child-process';

/** How espeak-ng speaks: voice and rate, and where and how to run it. */
export interface EspeakVoiceSettings {
  command: string;
  voice: string;
  wordsPerMinute: number;
  workDir: string;
  signal: AbortSignal;
}

/** Runs espeak-ng with the voice and rate, UTF-8 input, and no pause after the last sentence. */
export async function runEspeak(settings: EspeakVoiceSettings, args: string[]): Promise<void> {
  await runChildProcess(settings.command, ['-v', settings.voice, '-s', String(settings.wordsPerMinute), '-b', '1', '-z', ...args], { signal: settings.signal });
}
