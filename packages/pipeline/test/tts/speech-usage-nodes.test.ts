import type { Script } from '../../src/artifacts/artifact-types';
import { subtitleAutoNode } from '../../src/nodes/subtitle-auto.node';
import { voiceTtsNode } from '../../src/nodes/voice-tts.node';
import { OpenAITranscriber } from '../../src/providers/transcription/openai-transcriber';
import { EspeakSpeechSynthesizer } from '../../src/providers/tts/espeak-speech-synthesizer';
import { OpenAISpeechSynthesizer } from '../../src/providers/tts/openai-speech-synthesizer';
import { startFakeOpenAIAudioServer, type FakeOpenAIAudioServer } from '../fakes/fake-openai-audio-server';
import { createNodeTestContext, testProviders, type NodeTestContext } from '../support/node-test-context';

const script: Script = {
  kind: 'script',
  title: 'Daily News',
  lang: 'en',
  beats: [
    { text: 'Breaking news tonight.', sentences: ['Breaking news tonight.'], searchTerms: ['city night'] },
    { text: 'Crowds gathered at the old station.', sentences: ['Crowds gathered at the old station.'], searchTerms: ['train station'] },
  ],
  hashtags: [],
};

// What OpenAI bills for speech: the characters of every sentence sent, and every second of audio transcribed.
describe('paid speech, as the nodes record it', () => {
  let server: FakeOpenAIAudioServer;
  const contexts: NodeTestContext[] = [];

  beforeAll(async () => {
    server = await startFakeOpenAIAudioServer();
  });
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.cleanup()));
    await server.close();
  });

  /** OpenAI speech (tts-1-hd, one sentence at a time) with word timings from OpenAI transcription, on the fake. */
  const paidSpeechProviders = () => {
    const transcription = new OpenAITranscriber({ apiKey: 'sk-test-key', baseURL: server.baseURL });
    const openai = new OpenAISpeechSynthesizer({
      apiKey: 'sk-test-key',
      baseURL: server.baseURL,
      model: 'tts-1-hd',
      transcriber: transcription,
      concurrency: 1,
    });
    return testProviders({ tts: { openai, espeak: new EspeakSpeechSynthesizer() }, transcription });
  };

  it('Voice.TTS records the characters spoken and the minutes transcribed for word timings; Subtitle.Auto its own transcription', async () => {
    const providers = paidSpeechProviders();

    const voice = await createNodeTestContext({ providers, nodeId: 'voice' });
    contexts.push(voice);
    const speech = await voiceTtsNode.run(voice.ctx, { script }, voiceTtsNode.params.parse({ provider: 'openai' }));
    const [first, second] = server.clips;
    expect(voice.record.usage).toEqual([
      { resource: 'tts_characters', characters: 22 + 35, model: 'tts-1-hd' },
      { resource: 'transcription_minutes', minutes: (first!.durationSeconds + second!.durationSeconds) / 60, model: 'whisper-1' },
    ]);

    const subtitle = await createNodeTestContext({ providers, nodeId: 'subtitle', storage: voice.storage });
    contexts.push(subtitle);
    await subtitleAutoNode.run(subtitle.ctx, { speech }, subtitleAutoNode.params.parse({ transcribe: true }));
    const [usage] = subtitle.record.usage;
    expect(subtitle.record.usage).toHaveLength(1);
    expect(usage).toMatchObject({ resource: 'transcription_minutes', model: 'whisper-1' });
    // The whole narration was sent once more: its length, as the answer states it.
    expect((usage as { minutes: number }).minutes * 60).toBeCloseTo(speech.durationSeconds, 2);
  });

  it('Voice.TTS records the characters of a sentence spoken before a later call failed, and fails', async () => {
    const providers = paidSpeechProviders();
    // The first sentence is spoken (billed), then its transcription fails (not billed): the second is never asked for.
    server.queue('transcriptions', [{ status: 500 }]);
    const asked = server.requests.length;
    const voice = await createNodeTestContext({ providers, nodeId: 'voice' });
    contexts.push(voice);
    const failure = await voiceTtsNode.run(voice.ctx, { script }, voiceTtsNode.params.parse({ provider: 'openai' })).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'PROVIDER_ERROR' });
    expect(server.requests.slice(asked).map((r) => r.route)).toEqual(['speech', 'transcriptions']);
    expect(voice.record.usage).toEqual([{ resource: 'tts_characters', characters: 22, model: 'tts-1-hd' }]);
  });

  it('Subtitle.Auto records the minutes of a transcription whose answer had no word timings, and fails', async () => {
    const transcription = new OpenAITranscriber({ apiKey: 'sk-test-key', baseURL: server.baseURL });
    const providers = testProviders({ tts: { espeak: new EspeakSpeechSynthesizer() }, transcription });
    const voice = await createNodeTestContext({ providers, nodeId: 'voice' });
    contexts.push(voice);
    const speech = await voiceTtsNode.run(voice.ctx, { script }, voiceTtsNode.params.parse({ provider: 'espeak-ng' }));
    server.queue('transcriptions', [{ status: 200, body: { task: 'transcribe', language: 'english', duration: 4.25, text: 'Breaking news tonight.' } }]);
    const subtitle = await createNodeTestContext({ providers, nodeId: 'subtitle', storage: voice.storage });
    contexts.push(subtitle);
    await expect(subtitleAutoNode.run(subtitle.ctx, { speech }, subtitleAutoNode.params.parse({ transcribe: true }))).rejects.toMatchObject({
      code: 'PROVIDER_RESPONSE_INVALID',
    });
    expect(subtitle.record.usage).toEqual([{ resource: 'transcription_minutes', minutes: 4.25 / 60, model: 'whisper-1' }]);
  });

  it('the offline voice records nothing to pay for', async () => {
    const voice = await createNodeTestContext({ providers: testProviders({ tts: { espeak: new EspeakSpeechSynthesizer() } }), nodeId: 'voice' });
    contexts.push(voice);
    await voiceTtsNode.run(voice.ctx, { script }, voiceTtsNode.params.parse({ provider: 'espeak-ng' }));
    expect(voice.record.usage).toEqual([]);
  });
});
