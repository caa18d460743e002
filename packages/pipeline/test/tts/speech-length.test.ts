import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Script, SentenceTiming, Speech } from '../../src/artifacts/artifact-types';
import { scriptGenerateNode } from '../../src/nodes/script-generate.node';
import { voiceTtsNode } from '../../src/nodes/voice-tts.node';
import { OfflineScriptWriter } from '../../src/providers/script/offline-script-writer';
import { EspeakSpeechSynthesizer } from '../../src/providers/tts/espeak-speech-synthesizer';
import { planSpeechFit } from '../../src/providers/tts/fit-speech-length';
import { OpenAISpeechSynthesizer } from '../../src/providers/tts/openai-speech-synthesizer';
import { startFakeOpenAIAudioServer, type FakeOpenAIAudioServer } from '../fakes/fake-openai-audio-server';
import { createNodeTestContext, testProviders, type NodeTestContext } from '../support/node-test-context';

const run = promisify(execFile);

async function probeSeconds(file: string): Promise<number> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
  return Number(stdout.trim());
}

/** Sentences of `seconds` each with a 0.25 s pause after, in the given beats. */
function timings(beats: number[], seconds = 3): SentenceTiming[] {
  return beats.map((beat, i) => ({ text: `s${i}`, beat, start: i * (seconds + 0.25), end: i * (seconds + 0.25) + seconds, words: [] }));
}

describe('planSpeechFit', () => {
  const nine = timings([0, 0, 0, 1, 1, 1, 2, 2, 2]); // 29 s

  it('leaves a narration that meets its target: at most the target, at most 10 % under it', () => {
    expect(planSpeechFit(nine, 29, 30, { mayDrop: true })).toBeUndefined();
    expect(planSpeechFit(nine, 29, 29, { mayDrop: true })).toBeUndefined();
    expect(planSpeechFit(nine, 27, 30, { mayDrop: true })).toBeUndefined();
  });

  it('speeds a narration a little too long up to the target, and slows one too short to 95 % of it', () => {
    // 33 × 0.95 = 31.35: 29 / 31.35 = 0.925.
    // To just under the target: 0.1 s, so that the few milliseconds atempo may add never cross it.
    expect(planSpeechFit(nine, 29, 26, { mayDrop: true })).toEqual({ drop: [], tempo: 1.12, fittedSeconds: 29 / 1.12 });
    expect(planSpeechFit(nine, 29, 33, { mayDrop: true })).toEqual({ drop: [], tempo: 0.925, fittedSeconds: 29 / 0.925 });
  });

  it('drops sentences while the fastest tempo would not do, from the beat with the most, never the first, the last or a beat’s only one', () => {
    // 29 s for 15 s: 1.2× would give 24 s. Each drop is the last droppable sentence of the beat with the most
    // (the later beat on a tie): 7 (beat 2), 5 (beat 1), 2 (beat 0), 6 (beat 2); 16 s is then near enough for the tempo.
    const plan = planSpeechFit(nine, 29, 15, { mayDrop: true })!;
    expect(plan.drop).toEqual([2, 5, 6, 7]);
    expect(plan.tempo).toBe(1.074);
    expect(plan.fittedSeconds).toBeCloseTo(16 / 1.074, 6);
    // A beat keeps one sentence however long the narration is.
    expect(planSpeechFit(timings([0, 1, 2]), 9.5, 3, { mayDrop: true })).toEqual({ drop: [], tempo: 1.2, fittedSeconds: 9.5 / 1.2 });
  });

  it('never drops a sentence the caller wrote: the tempo does what it can', () => {
    expect(planSpeechFit(nine, 29, 15, { mayDrop: false })).toEqual({ drop: [], tempo: 1.2, fittedSeconds: 29 / 1.2 });
    expect(planSpeechFit(nine, 29, 60, { mayDrop: false })).toEqual({ drop: [], tempo: 0.85, fittedSeconds: 29 / 0.85 });
  });
});

describe('narration length, spoken', () => {
  const espeak = new EspeakSpeechSynthesizer();
  const contexts: NodeTestContext[] = [];
  let server: FakeOpenAIAudioServer;
  const context = async (providers = testProviders({ tts: { espeak }, script: { offline: new OfflineScriptWriter() } })) => {
    const created = await createNodeTestContext({ providers });
    contexts.push(created);
    return created;
  };
  const speak = async (c: NodeTestContext, script: Script, provider: 'espeak-ng' | 'openai' = 'espeak-ng') =>
    voiceTtsNode.run(c.ctx, { script }, voiceTtsNode.params.parse({ provider }));
  const expectConsistent = async (c: NodeTestContext, speech: Speech) => {
    expect(await probeSeconds(c.storage.localPath(speech.audio.key)!)).toBeCloseTo(speech.durationSeconds, 2);
    speech.sentences.forEach((sentence, i) => {
      expect(sentence.end).toBeGreaterThan(sentence.start);
      if (i > 0) expect(sentence.start).toBeGreaterThan(speech.sentences[i - 1]!.end);
    });
    // Timings are in whole milliseconds.
    expect(speech.sentences.at(-1)!.end).toBeLessThanOrEqual(speech.durationSeconds + 0.0005);
    // What later nodes read of the script is what was spoken.
    expect(speech.script.beats.flatMap((beat) => beat.sentences)).toEqual(speech.sentences.map((sentence) => sentence.text));
  };

  beforeAll(async () => {
    server = await startFakeOpenAIAudioServer();
  });
  afterAll(async () => {
    await Promise.all(contexts.map((c) => c.cleanup()));
    await server.close();
  });

  it.each([
    ['en', 30],
    ['es', 20],
    ['de', 20],
  ])('offline, %s for %i s: at most the target and at most 10 %% under it', async (lang, target) => {
    const c = await context();
    const script = await scriptGenerateNode.run(
      c.ctx,
      {},
      scriptGenerateNode.params.parse({ provider: 'offline', genre: 'news', lang, prompt: 'the harbour reopens', target_seconds: target }),
    );
    const speech = await speak(c, script);
    expect(speech.durationSeconds).toBeLessThanOrEqual(target);
    expect(speech.durationSeconds).toBeGreaterThanOrEqual(target * 0.9);
    await expectConsistent(c, speech);
  });

  it('offline at voice speed 1.5: planned for the voice the graph feeds it to, so it meets the target', async () => {
    // Planned at speed 1 it falls 20 % short, past what the tempo fit can slow.
    const speed = 1.5;
    const c = await createNodeTestContext({
      providers: testProviders({ tts: { espeak }, script: { offline: new OfflineScriptWriter() } }),
      consumers: [{ nodeId: 'voice', type: 'Voice.TTS', params: voiceTtsNode.params.parse({ provider: 'espeak-ng', speed }) }],
    });
    contexts.push(c);
    const script = await scriptGenerateNode.run(
      c.ctx,
      {},
      scriptGenerateNode.params.parse({ provider: 'offline', genre: 'news', lang: 'en', prompt: 'the harbour reopens', target_seconds: 20 }),
    );
    expect(c.record.logs[0]).toEqual({
      level: 'info',
      message: 'planning 20 s of narration at 4.8 words a second',
      data: { targetSeconds: 20, lang: 'en', voiceSpeed: speed },
    });
    const speech = await voiceTtsNode.run(c.ctx, { script }, voiceTtsNode.params.parse({ provider: 'espeak-ng', speed }));
    expect(speech.durationSeconds).toBeLessThanOrEqual(20);
    expect(speech.durationSeconds).toBeGreaterThanOrEqual(18);
    await expectConsistent(c, speech);
  });

  it('with OpenAI: 20 s asked, at most 20 s and at most 10 % under', async () => {
    const openai = new OpenAISpeechSynthesizer({ apiKey: 'sk-test-key', baseURL: server.baseURL });
    const c = await context(testProviders({ tts: { espeak, openai }, script: { offline: new OfflineScriptWriter() } }));
    const script = await scriptGenerateNode.run(
      c.ctx,
      {},
      scriptGenerateNode.params.parse({ provider: 'offline', genre: 'news', lang: 'en', prompt: 'the harbour reopens', target_seconds: 20 }),
    );
    const speech = await speak(c, script, 'openai');
    expect(speech.provider).toBe('openai');
    expect(speech.durationSeconds).toBeLessThanOrEqual(20);
    expect(speech.durationSeconds).toBeGreaterThanOrEqual(18);
    await expectConsistent(c, speech);
  });

  it('drops sentences of a written script far too long for its target, and says which in the job log', async () => {
    const c = await context();
    const written = await scriptGenerateNode.run(
      c.ctx,
      {},
      scriptGenerateNode.params.parse({ provider: 'offline', genre: 'news', lang: 'en', prompt: 'the harbour reopens', target_seconds: 20 }),
    );
    const speech = await speak(c, { ...written, targetSeconds: 10 });
    expect(speech.durationSeconds).toBeLessThanOrEqual(10);
    expect(speech.durationSeconds).toBeGreaterThanOrEqual(9);
    const spoken = written.beats.flatMap((beat) => beat.sentences).length;
    expect(speech.sentences.length).toBeLessThan(spoken);
    const fitted = c.record.logs.find((line) => line.message.startsWith('narration fitted to the 10 s target'))!;
    expect(fitted.level).toBe('info');
    expect(fitted.data).toMatchObject({ targetSeconds: 10, droppedSentences: spoken - speech.sentences.length, fittedSeconds: speech.durationSeconds });
    expect(fitted.message).toMatch(new RegExp(`${spoken - speech.sentences.length} sentences? dropped: "`));
    await expectConsistent(c, speech);
  });

  it('keeps every sentence the caller gave, and warns when the tempo cannot reach the target', async () => {
    const c = await context();
    const text = 'The harbour opens again today. Boats line up at dawn. Families wave from the pier. The first ferry leaves at nine.';
    const given = await scriptGenerateNode.run(c.ctx, {}, scriptGenerateNode.params.parse({ provider: 'given', lang: 'en', text, target_seconds: 5 }));
    const speech = await speak(c, given);
    expect(speech.sentences.map((sentence) => sentence.text)).toEqual([
      'The harbour opens again today.',
      'Boats line up at dawn.',
      'Families wave from the pier.',
      'The first ferry leaves at nine.',
    ]);
    const fitted = c.record.logs.find((line) => line.message.startsWith('narration fitted to the 5 s target'))!;
    expect(fitted.data).toMatchObject({ tempo: 1.2, droppedSentences: 0 });
    expect(c.record.logs.filter((line) => line.level === 'warn').map((line) => line.message)).toEqual([
      `the narration is ${speech.durationSeconds.toFixed(1)} s for a 5 s target: the script is longer than its target even spoken faster`,
    ]);
    await expectConsistent(c, speech);
  });
});
