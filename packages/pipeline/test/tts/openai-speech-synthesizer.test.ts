import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { FentaError } from '@fenta/core';
import { OpenAISpeechSynthesizer } from '../../src/providers/tts/openai-speech-synthesizer';
import { OpenAITranscriber } from '../../src/providers/transcription/openai-transcriber';
import type { SpeechRequest } from '../../src/providers/pipeline-providers';
import { openAIErrorBody, startFakeOpenAIAudioServer, type FakeOpenAIAudioServer } from '../fakes/fake-openai-audio-server';

const run = promisify(execFile);

const request: SpeechRequest = {
  sentences: [
    { text: 'Breaking news from the city tonight.', beat: 0 },
    { text: 'Crowds gathered at the old station, waiting for the last train.', beat: 1 },
  ],
  voice: 'alloy_en',
  speed: 1.25,
  lang: 'en',
};

/** The clip's speech span (leading and trailing silence excluded), measured here with ffmpeg's silencedetect. */
async function speechSpan(file: string, duration: number): Promise<number> {
  const { stderr } = await run('ffmpeg', ['-hide_banner', '-nostats', '-i', file, '-af', 'silencedetect=noise=-50dB:d=0.02', '-f', 'null', '-']);
  let start = 0;
  let end = duration;
  for (const match of stderr.matchAll(/silence_start: (-?[\d.]+)[\s\S]*?silence_end: ([\d.]+)/g)) {
    if (Number(match[1]) <= 0.001) start = Number(match[2]);
    if (Number(match[2]) >= duration - 0.001) end = Number(match[1]);
  }
  return end - start;
}

async function probeDuration(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=duration', '-of', 'csv=p=0', file]);
  return Number(stdout.trim());
}

describe('OpenAISpeechSynthesizer', () => {
  let server: FakeOpenAIAudioServer;
  let tempDir: string;
  const signal = new AbortController().signal;
  const one = { ...request, sentences: request.sentences.slice(0, 1) };

  beforeEach(async () => {
    server = await startFakeOpenAIAudioServer();
    tempDir = await mkdtemp(path.join(tmpdir(), 'fenta-openai-tts-'));
  });

  afterEach(async () => {
    await server.close();
    await rm(tempDir, { recursive: true, force: true });
  });

  it('asks for each sentence with the model, voice, input and speed, and measures the audio it gets', async () => {
    const synthesizer = new OpenAISpeechSynthesizer({ apiKey: 'sk-test-key', baseURL: server.baseURL });
    const result = await synthesizer.synthesize(request, { tempDir, signal });

    const speech = server.requests.filter((r) => r.route === 'speech');
    expect(speech.map((r) => r.fields).sort((a, b) => String(a.input).localeCompare(String(b.input)))).toEqual([
      { model: 'gpt-4o-mini-tts', voice: 'alloy', input: 'Breaking news from the city tonight.', speed: 1.25, response_format: 'wav' },
      {
        model: 'gpt-4o-mini-tts',
        voice: 'alloy',
        input: 'Crowds gathered at the old station, waiting for the last train.',
        speed: 1.25,
        response_format: 'wav',
      },
    ]);
    expect(speech.map((r) => r.authorization)).toEqual(['Bearer sk-test-key', 'Bearer sk-test-key']);
    expect(speech.map((r) => r.contentType)).toEqual(['application/json', 'application/json']);

    // Each sentence lasts as long as the speech in the clip that was served for it.
    for (const sentence of result.sentences) {
      const clip = server.clips.find((c) => c.text === sentence.text)!;
      expect(Math.abs(sentence.end - sentence.start - (await speechSpan(clip.path, clip.durationSeconds)))).toBeLessThan(0.005);
    }
    const [first, second] = result.sentences;
    expect(first!.start).toBe(0);
    expect(second!.start).toBeCloseTo(first!.end + 0.25, 3);
    expect(result.sampleRate).toBe(48_000);
    expect(await probeDuration(result.audioPath)).toBeCloseTo(second!.end, 2);
    // Billed for the characters sent (36 + 63), and nothing transcribed.
    expect(result.usage).toEqual({ model: 'gpt-4o-mini-tts', characters: 99 });

    // Without a transcriber, the words share out each sentence's speech, in order.
    for (const sentence of result.sentences) {
      expect(sentence.words.map((w) => w.word)).toEqual(sentence.text.split(' '));
      expect(sentence.words[0]!.start).toBe(sentence.start);
      expect(sentence.words[sentence.words.length - 1]!.end).toBe(sentence.end);
      sentence.words.forEach((word, i) => {
        expect(word.end).toBeGreaterThan(word.start);
        if (i > 0) expect(word.start).toBeGreaterThanOrEqual(sentence.words[i - 1]!.end);
      });
    }
  });

  it('takes word timings from the transcriber when one is configured', async () => {
    const transcriber = new OpenAITranscriber({ apiKey: 'sk-test-key', baseURL: server.baseURL });
    const synthesizer = new OpenAISpeechSynthesizer({ apiKey: 'sk-test-key', baseURL: server.baseURL, transcriber, concurrency: 1 });
    const result = await synthesizer.synthesize(request, { tempDir, signal });

    const transcriptions = server.requests.filter((r) => r.route === 'transcriptions');
    expect(transcriptions).toHaveLength(2);
    // Both clips were transcribed: their lengths are billed as well as the characters spoken.
    expect(result.usage).toEqual({
      model: 'gpt-4o-mini-tts',
      characters: 99,
      transcription: { model: 'whisper-1', seconds: server.clips[0]!.durationSeconds + server.clips[1]!.durationSeconds },
    });
    expect(server.transcripts.map((t) => t.text)).toEqual(request.sentences.map((s) => s.text));
    result.sentences.forEach((sentence, i) => {
      const heard = server.transcripts[i]!.words;
      // Written words keep their punctuation; their times are the heard ones, moved into the joined audio.
      expect(sentence.words.map((w) => w.word)).toEqual(sentence.text.split(' '));
      sentence.words.forEach((word, k) => {
        expect(word.start - sentence.words[0]!.start).toBeCloseTo(heard[k]!.start - heard[0]!.start, 2);
        expect(word.end - sentence.words[0]!.start).toBeCloseTo(heard[k]!.end - heard[0]!.start, 2);
      });
    });
  });

  it('reports what answered calls were billed for when a later call fails, and on success the same as its usage', async () => {
    const transcriber = new OpenAITranscriber({ apiKey: 'sk-test-key', baseURL: server.baseURL });
    const synthesizer = new OpenAISpeechSynthesizer({ apiKey: 'sk-test-key', baseURL: server.baseURL, transcriber, concurrency: 1 });
    // The first sentence is spoken (billed), then its transcription fails: nothing of the second is asked for.
    server.queue('transcriptions', [{ status: 500, body: openAIErrorBody('The server had an error', 'server_error') }]);
    const billed: unknown[] = [];
    await expect(synthesizer.synthesize(request, { tempDir, signal, onBilled: (usage) => billed.push(usage) })).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
    });
    expect(server.requests.map((r) => r.route)).toEqual(['speech', 'transcriptions']);
    expect(billed).toEqual([{ model: 'gpt-4o-mini-tts', characters: [...request.sentences[0]!.text.trim()].length }]);

    billed.length = 0;
    const result = await synthesizer.synthesize(request, { tempDir, signal, onBilled: (usage) => billed.push(usage) });
    expect(billed).toEqual([result.usage]);
  });

  // One call per sentence: whether another try may help is the error's code, and only the node's policy retries.
  it('makes one call: a 429 fails with PROVIDER_RATE_LIMITED carrying the wait the answer asked for', async () => {
    server.queue('speech', [{ status: 429, body: openAIErrorBody('Rate limit reached', 'requests'), headers: { 'retry-after-ms': '20' } }]);
    const synthesizer = new OpenAISpeechSynthesizer({ apiKey: 'sk-test-key', baseURL: server.baseURL });
    const error = await synthesizer.synthesize(one, { tempDir, signal }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(FentaError);
    expect(error).toMatchObject({
      code: 'PROVIDER_RATE_LIMITED',
      retryable: true,
      message: 'Provider openai is rate limiting requests',
      details: { retryAfterMs: 20, reason: 'Rate limit reached' },
    });
    expect(server.requests.map((r) => r.route)).toEqual(['speech']);
    expect(server.clips).toEqual([]);
  });

  it('makes one call: a 500 fails with the retryable PROVIDER_ERROR', async () => {
    server.always('speech', { status: 500, body: openAIErrorBody('The server had an error', 'server_error') });
    const synthesizer = new OpenAISpeechSynthesizer({ apiKey: 'sk-test-key', baseURL: server.baseURL });
    await expect(synthesizer.synthesize(one, { tempDir, signal })).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
      retryable: true,
      message: 'Provider openai answered 500: The server had an error',
      params: { provider: 'openai', status: 500 },
    });
    expect(server.requests).toHaveLength(1);
  });

  it('fails with PROVIDER_REQUEST_REFUSED, not retryable, on a 400, after one call', async () => {
    server.always('speech', { status: 400, body: openAIErrorBody("Invalid value for 'voice'") });
    const synthesizer = new OpenAISpeechSynthesizer({ apiKey: 'sk-test-key', baseURL: server.baseURL });
    await expect(synthesizer.synthesize(one, { tempDir, signal })).rejects.toMatchObject({
      code: 'PROVIDER_REQUEST_REFUSED',
      retryable: false,
      params: { provider: 'openai', status: 400, reason: "Invalid value for 'voice'" },
    });
    expect(server.requests).toHaveLength(1);
  });

  it('fails with PROVIDER_REQUEST_REFUSED, not retryable, when the key is refused, after one call, never showing the key', async () => {
    const apiKey = 'sk-wrong-speech-9876';
    server.always('speech', { status: 401, body: openAIErrorBody('Incorrect API key provided: sk-wrong-****9876.', 'invalid_request_error') });
    const synthesizer = new OpenAISpeechSynthesizer({ apiKey, baseURL: server.baseURL });
    const error = await synthesizer.synthesize(one, { tempDir, signal }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(FentaError);
    expect(error).toMatchObject({
      code: 'PROVIDER_REQUEST_REFUSED',
      retryable: false,
      message: 'Provider openai refused the request (401): Incorrect API key provided: sk-wrong-****9876.',
    });
    expect(JSON.stringify((error as FentaError).toBody())).not.toContain(apiKey);
    expect(server.requests.map((r) => r.authorization)).toEqual([`Bearer ${apiKey}`]);
  });

  it('fails with PROVIDER_RESPONSE_INVALID when the answer is not audio', async () => {
    server.queue('speech', [{ status: 200, body: { object: 'not audio' } }]);
    const synthesizer = new OpenAISpeechSynthesizer({ apiKey: 'sk-test-key', baseURL: server.baseURL });
    await expect(synthesizer.synthesize(one, { tempDir, signal })).rejects.toMatchObject({
      code: 'PROVIDER_RESPONSE_INVALID',
      params: { provider: 'openai' },
    });
    expect(server.requests).toHaveLength(1);
  });

  it('makes one call: an unanswered request fails as the retryable PROVIDER_ERROR status timeout', async () => {
    server.always('speech', { status: 200, hang: true });
    const synthesizer = new OpenAISpeechSynthesizer({ apiKey: 'sk-test-key', baseURL: server.baseURL, timeoutMs: 100 });
    await expect(synthesizer.synthesize(one, { tempDir, signal })).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
      retryable: true,
      params: { provider: 'openai', status: 'timeout' },
    });
    expect(server.requests).toHaveLength(1);
  });

  it('stops at once with the abort reason when the signal aborts during a request', async () => {
    server.always('speech', { status: 200, hang: true });
    const abort = new AbortController();
    const synthesizer = new OpenAISpeechSynthesizer({ apiKey: 'sk-test-key', baseURL: server.baseURL });
    const synthesis = synthesizer.synthesize(one, { tempDir, signal: abort.signal });
    await server.nextRequest();
    const reason = new Error('job cancelled');
    abort.abort(reason);
    await expect(synthesis).rejects.toBe(reason);
    expect(server.requests).toHaveLength(1);
  });
});
