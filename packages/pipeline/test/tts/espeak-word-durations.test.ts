import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { measureEspeakWordDurations } from '../../src/providers/tts/espeak-word-durations';
import type { EspeakVoiceSettings } from '../../src/providers/tts/run-espeak';

const run = promisify(execFile);

/** How long espeak-ng speaks text on its own: its speech span, measured here with silencedetect. */
async function spokenAlone(dir: string, text: string): Promise<number> {
  const file = path.join(dir, `alone-${Buffer.from(text).toString('hex')}.wav`);
  await run('espeak-ng', ['-v', 'en-us', '-s', '175', '-b', '1', '-z', '-w', file, '--', text]);
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=duration', '-of', 'csv=p=0', file]);
  const duration = Number(stdout);
  const { stderr } = await run('ffmpeg', ['-hide_banner', '-nostats', '-i', file, '-af', 'silencedetect=noise=-50dB:d=0.02', '-f', 'null', '-']);
  let start = 0;
  let end = duration;
  for (const match of stderr.matchAll(/silence_start: (-?[\d.]+)[\s\S]*?silence_end: ([\d.]+)/g)) {
    if (Number(match[1]) <= 0.0001) start = Number(match[2]);
    if (Number(match[2]) >= duration - 0.0001) end = Number(match[1]);
  }
  return end - start;
}

describe('measureEspeakWordDurations', () => {
  let dir: string;
  let settings: EspeakVoiceSettings;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'fenta-word-durations-'));
    settings = { command: 'espeak-ng', voice: 'en-us', wordsPerMinute: 175, workDir: dir, signal: new AbortController().signal };
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('measures each word in one run, parted by breaks: longer words take longer', async () => {
    const durations = await measureEspeakWordDurations(['a', 'extraordinarily', 'cat.'], settings, 'plain');
    expect(durations).toHaveLength(3);
    expect(durations[1]!).toBeGreaterThan(2 * durations[0]!);
    expect(durations[1]!).toBeGreaterThan(durations[2]!);
  });

  it('speaks the words one by one when a word pauses inside itself and the breaks no longer part them', async () => {
    // "well...really" has a pause of its own, so the one-run audio has one piece too many.
    const words = ['one', 'well...really', 'two'];
    const durations = await measureEspeakWordDurations(words, settings, 'paused');
    const alone = await Promise.all(words.map((w) => spokenAlone(dir, w)));
    durations.forEach((duration, i) => expect(Math.abs(duration - alone[i]!)).toBeLessThan(0.005));
  });
});
