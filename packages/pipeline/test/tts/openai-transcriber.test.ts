import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FentaError } from '@fenta/core';
import { OpenAITranscriber } from '../../src/providers/transcription/openai-transcriber';
import { openAIErrorBody, startFakeOpenAIAudioServer, type FakeOpenAIAudioServer } from '../fakes/fake-openai-audio-server';

describe('OpenAITranscriber', () => {
  let server: FakeOpenAIAudioServer;
  let tempDir: string;
  let clip: string;
  const signal = new AbortController().signal;

  beforeEach(async () => {
    server = await startFakeOpenAIAudioServer();
    tempDir = await mkdtemp(path.join(tmpdir(), 'fenta-transcriber-'));
    // A clip the fake itself spoke, fetched over its wire format, so it knows what the clip says.
    const answer = await fetch(`${server.baseURL}/audio/speech`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-key' },
      body: JSON.stringify({ model: 'gpt-4o-mini-tts', voice: 'alloy', input: 'Crowds gathered at the station, again.', speed: 1, response_format: 'wav' }),
    });
    expect(answer.headers.get('content-type')).toBe('audio/wav');
    clip = path.join(tempDir, 'clip.wav');
    await writeFile(clip, Buffer.from(await answer.arrayBuffer()));
    server.requests.length = 0;
  });

  afterEach(async () => {
    await server.close();
    await rm(tempDir, { recursive: true, force: true });
  });

  it('uploads the audio as multipart with word timestamps asked for, and returns the words heard', async () => {
    const transcriber = new OpenAITranscriber({ apiKey: 'sk-test-key', baseURL: server.baseURL });
    const result = await transcriber.transcribe(clip, { lang: 'en-US', signal });

    expect(server.requests).toHaveLength(1);
    const [received] = server.requests;
    expect(received!.authorization).toBe('Bearer sk-test-key');
    expect(received!.contentType).toMatch(/^multipart\/form-data; boundary=/);
    const { file, ...fields } = received!.fields as { file: { name: string; type: string; bytes: Buffer } };
    expect(fields).toEqual({ model: 'whisper-1', response_format: 'verbose_json', 'timestamp_granularities[]': 'word', language: 'en' });
    expect(file.name).toBe('clip.wav');
    expect(file.type).toBe('audio/wav');
    expect(file.bytes.equals(await readFile(clip))).toBe(true);

    expect(result.text).toBe('Crowds gathered at the station, again.');
    expect(result.words).toEqual(server.transcripts[0]!.words);
    expect(result.words.map((w) => w.word)).toEqual(['Crowds', 'gathered', 'at', 'the', 'station', 'again']);
    // Billed by the length of the audio sent, as the answer states it: the clip's own length.
    expect(result.usage).toEqual({ model: 'whisper-1', seconds: server.clips[0]!.durationSeconds });
  });

  it("bills by the file's own length when the answer states none", async () => {
    const words = [{ word: 'Crowds', start: 0.1, end: 0.5 }];
    server.queue('transcriptions', [{ status: 200, body: { task: 'transcribe', language: 'english', text: 'Crowds', words } }]);
    const transcriber = new OpenAITranscriber({ apiKey: 'sk-test-key', baseURL: server.baseURL, model: 'gpt-4o-mini-transcribe' });
    const result = await transcriber.transcribe(clip, { lang: 'en', signal });
    expect(result.usage!.model).toBe('gpt-4o-mini-transcribe');
    expect(result.usage!.seconds).toBeCloseTo(server.clips[0]!.durationSeconds, 2);
  });

  it('fails with PROVIDER_RESPONSE_INVALID when the answer has no word timestamps, and reports the answer as billed all the same', async () => {
    server.queue('transcriptions', [{ status: 200, body: { task: 'transcribe', language: 'english', duration: 1.5, text: 'Crowds gathered' } }]);
    const transcriber = new OpenAITranscriber({ apiKey: 'sk-test-key', baseURL: server.baseURL });
    const billed: unknown[] = [];
    await expect(transcriber.transcribe(clip, { lang: 'en', signal, onBilled: (usage) => billed.push(usage) })).rejects.toMatchObject({
      code: 'PROVIDER_RESPONSE_INVALID',
      params: { provider: 'openai' },
    });
    expect(billed).toEqual([{ model: 'whisper-1', seconds: 1.5 }]);
  });

  // One call per clip: whether another try may help is the error's code, and only the node's policy retries.
  it('fails with PROVIDER_REQUEST_REFUSED, not retryable, when the key is refused, after one call, never showing the key', async () => {
    server.always('transcriptions', { status: 401, body: openAIErrorBody('Incorrect API key provided: sk-wrong-****5555.', 'invalid_request_error') });
    const transcriber = new OpenAITranscriber({ apiKey: 'sk-wrong-key-5555', baseURL: server.baseURL });
    const error = await transcriber.transcribe(clip, { lang: 'en', signal }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(FentaError);
    expect(error).toMatchObject({
      code: 'PROVIDER_REQUEST_REFUSED',
      retryable: false,
      message: 'Provider openai refused the request (401): Incorrect API key provided: sk-wrong-****5555.',
      params: { provider: 'openai', status: 401, reason: 'Incorrect API key provided: sk-wrong-****5555.' },
    });
    expect(JSON.stringify((error as FentaError).toBody())).not.toContain('sk-wrong-key-5555');
    expect(server.requests).toHaveLength(1);
  });

  it('makes one call: a 503 fails with the retryable PROVIDER_ERROR', async () => {
    server.queue('transcriptions', [{ status: 503, body: openAIErrorBody('Service unavailable', 'server_error') }]);
    const transcriber = new OpenAITranscriber({ apiKey: 'sk-test-key', baseURL: server.baseURL });
    await expect(transcriber.transcribe(clip, { lang: 'en', signal })).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
      retryable: true,
      message: 'Provider openai answered 503: Service unavailable',
    });
    expect(server.requests.map((r) => r.route)).toEqual(['transcriptions']);
    expect(server.transcripts).toEqual([]);
  });

  it('makes one call: a 429 fails with PROVIDER_RATE_LIMITED carrying the Retry-After wait', async () => {
    server.queue('transcriptions', [{ status: 429, body: openAIErrorBody('Rate limit reached', 'requests'), headers: { 'retry-after': '2' } }]);
    const transcriber = new OpenAITranscriber({ apiKey: 'sk-test-key', baseURL: server.baseURL });
    await expect(transcriber.transcribe(clip, { lang: 'en', signal })).rejects.toMatchObject({
      code: 'PROVIDER_RATE_LIMITED',
      retryable: true,
      details: { retryAfterMs: 2000, reason: 'Rate limit reached' },
    });
    expect(server.requests).toHaveLength(1);
  });

  it('makes one call: an unanswered request fails as the retryable PROVIDER_ERROR status timeout', async () => {
    server.always('transcriptions', { status: 200, hang: true });
    const transcriber = new OpenAITranscriber({ apiKey: 'sk-test-key', baseURL: server.baseURL, timeoutMs: 100 });
    await expect(transcriber.transcribe(clip, { lang: 'en', signal })).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
      retryable: true,
      params: { provider: 'openai', status: 'timeout' },
    });
    expect(server.requests).toHaveLength(1);
  });
});
