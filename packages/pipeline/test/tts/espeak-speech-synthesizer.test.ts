import { execFile } from 'node:child_process';
import { watch } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { EspeakSpeechSynthesizer } from '../../src/providers/tts/espeak-speech-synthesizer';
import type { SpeechResult } from '../../src/providers/pipeline-providers';

const run = promisify(execFile);

const script = [
  { text: 'Breaking news from the city tonight.', beat: 0 },
  { text: 'Crowds gathered at the old station, waiting for the last train.', beat: 1 },
  { text: 'Nobody expected what happened next!', beat: 1 },
];

/** The audio's duration as ffprobe reads it from the file. */
async function probeDuration(file: string): Promise<{ duration: number; sampleRate: number; channels: number }> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=duration,sample_rate,channels', '-of', 'json', file]);
  const stream = JSON.parse(stdout).streams[0];
  return { duration: Number(stream.duration), sampleRate: Number(stream.sample_rate), channels: Number(stream.channels) };
}

/**
 * Where speech starts after each pause of 0.2 s or more, measured here with
 * ffmpeg's silencedetect at its own threshold, apart from the synthesizer's
 * measurement.
 */
async function measuredSpeechOnsets(file: string): Promise<number[]> {
  const { stderr } = await run('ffmpeg', ['-hide_banner', '-nostats', '-i', file, '-af', 'silencedetect=noise=-40dB:d=0.2', '-f', 'null', '-']);
  const onsets = [0];
  for (const match of stderr.matchAll(/silence_start: (-?[\d.]+)[\s\S]*?silence_end: ([\d.]+)/g)) {
    if (Number(match[1]) <= 0.001) onsets[0] = Number(match[2]);
    else onsets.push(Number(match[2]));
  }
  return onsets;
}

describe('EspeakSpeechSynthesizer', () => {
  let tempDir: string;
  let result: SpeechResult;

  beforeAll(async () => {
    tempDir = await mkdtemp(path.join(tmpdir(), 'fenta-espeak-'));
    result = await new EspeakSpeechSynthesizer().synthesize(
      { sentences: script, voice: 'alloy_en', speed: 1, lang: 'en' },
      { tempDir, signal: new AbortController().signal },
    );
  });

  afterAll(async () => {
    await rm(tempDir, { recursive: true, force: true });
  });

  it('writes one 48 kHz mono WAV as long as the sentences plus the 0.25 s pauses between them', async () => {
    const probe = await probeDuration(result.audioPath);
    expect(probe.sampleRate).toBe(48_000);
    expect(probe.channels).toBe(1);
    expect(result.sampleRate).toBe(48_000);
    expect(result.contentType).toBe('audio/wav');
    expect(result.durationSeconds).toBeCloseTo(probe.duration, 3);
    const spans = result.sentences.reduce((sum, s) => sum + (s.end - s.start), 0);
    expect(Math.abs(probe.duration - (spans + 2 * 0.25))).toBeLessThan(0.05);
  });

  it('starts each sentence where its speech begins in the audio', async () => {
    const onsets = await measuredSpeechOnsets(result.audioPath);
    expect(onsets).toHaveLength(3);
    result.sentences.forEach((sentence, i) => {
      expect(Math.abs(sentence.start - onsets[i]!)).toBeLessThan(0.1);
    });
    expect(result.sentences.map((s) => [s.text, s.beat])).toEqual(script.map((s) => [s.text, s.beat]));
  });

  it('times every word, in order, inside its sentence', () => {
    for (const sentence of result.sentences) {
      expect(sentence.words.map((w) => w.word)).toEqual(sentence.text.split(' '));
      sentence.words.forEach((word, i) => {
        expect(word.start).toBeLessThan(word.end);
        expect(word.start).toBeGreaterThanOrEqual(sentence.start);
        expect(word.end).toBeLessThanOrEqual(sentence.end);
        if (i > 0) expect(word.start).toBeGreaterThanOrEqual(sentence.words[i - 1]!.end);
      });
      expect(sentence.words[0]!.start).toBe(sentence.start);
      expect(sentence.words[sentence.words.length - 1]!.end).toBe(sentence.end);
    }
  });

  it('times the words of a Chinese sentence, written without spaces, one by one from the audio', async () => {
    const chinese = await new EspeakSpeechSynthesizer().synthesize(
      { sentences: [{ text: '今天天气很好，我们去公园吧。', beat: 0 }], voice: 'alloy', speed: 1, lang: 'zh' },
      { tempDir, signal: new AbortController().signal },
    );
    const [sentence] = chinese.sentences;
    expect(sentence!.words.map((w) => w.word)).toEqual(['今天', '天气', '很好，', '我们', '去', '公园', '吧。']);
    expect(sentence!.words[0]!.start).toBe(sentence!.start);
    expect(sentence!.words[6]!.end).toBe(sentence!.end);
    sentence!.words.forEach((word, i) => {
      expect(word.end - word.start).toBeGreaterThan(0.05);
      if (i > 0) expect(word.start).toBeGreaterThanOrEqual(sentence!.words[i - 1]!.end);
    });
    // The pause espeak-ng makes at the comma falls between 很好， and 我们, not inside a word.
    expect(sentence!.words[3]!.start - sentence!.words[2]!.end).toBeGreaterThan(0.05);
  });

  it('speaks slower at a lower speed', async () => {
    const slow = await new EspeakSpeechSynthesizer().synthesize(
      { sentences: script.slice(0, 1), voice: 'en', speed: 0.5, lang: 'en' },
      { tempDir, signal: new AbortController().signal },
    );
    const first = result.sentences[0]!;
    expect(slow.sentences[0]!.end - slow.sentences[0]!.start).toBeGreaterThan(1.5 * (first.end - first.start));
  });

  it('kills espeak-ng at once when the signal aborts, and leaves no work files', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fenta-espeak-abort-'));
    const pidFile = path.join(dir, 'pid');
    const fakeEspeak = path.join(dir, 'espeak-ng');
    // Lists the real voices, then hangs on synthesis, as a stuck engine would.
    await writeFile(
      fakeEspeak,
      `#!/bin/sh\nif [ "$1" = "--voices" ]; then exec espeak-ng --voices; fi\necho $$ > "${pidFile}.tmp"\nmv "${pidFile}.tmp" "${pidFile}"\nexec sleep 600\n`,
    );
    await chmod(fakeEspeak, 0o755);
    const work = path.join(dir, 'work');
    await mkdir(work);
    const abort = new AbortController();
    const started = new Promise<void>((resolve) => {
      const watcher = watch(dir, (_event, name) => {
        if (name === 'pid') {
          watcher.close();
          resolve();
        }
      });
    });
    const synthesis = new EspeakSpeechSynthesizer({ command: fakeEspeak, concurrency: 1 }).synthesize(
      { sentences: script, voice: 'en-us', speed: 1, lang: 'en' },
      { tempDir: work, signal: abort.signal },
    );
    await started;
    const pid = Number(await readFile(pidFile, 'utf8'));
    const reason = new Error('stopped by the test');
    abort.abort(reason);
    await expect(synthesis).rejects.toBe(reason);
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    expect(await readdir(work)).toEqual([]);
    await rm(dir, { recursive: true, force: true });
  });

  it('fails with PROVIDER_UNAVAILABLE when espeak-ng is not installed', async () => {
    const missing = new EspeakSpeechSynthesizer({ command: path.join(tempDir, 'no-such-espeak') });
    await expect(
      missing.synthesize({ sentences: script, voice: 'en', speed: 1, lang: 'en' }, { tempDir, signal: new AbortController().signal }),
    ).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      params: { provider: 'espeak-ng' },
    });
  });
});
