import { mkdir, rm } from 'node:fs/promises';
import { FentaError } from '@fenta/core';
import { demoWorkflow } from '@fenta/db';
import { scriptGenerateDefinition } from '@fenta/graph';
import { runNodeWithPolicy } from '../../src/executor/run-node';
import { scriptGenerateNode } from '../../src/nodes/script-generate.node';
import type { NodeConsumer } from '../../src/nodes/node-context';
import { OfflineScriptWriter } from '../../src/providers/script/offline-script-writer';
import { OpenAIScriptWriter } from '../../src/providers/script/openai-script-writer';
import { startFakeOpenAIChatServer, type FakeOpenAIChatServer } from '../fakes/fake-openai-chat-server';
import { createNodeTestContext, testProviders, type NodeTestContext } from '../support/node-test-context';

const reply = {
  title: 'City goes solar',
  beats: [
    { text: 'x', sentences: ['The lights changed overnight.', 'Every one of them.'], search_terms: ['solar streetlight'] },
    { text: 'x', sentences: ['Bills fell by half.', 'Nobody expected that.'], search_terms: ['electricity bill'] },
    { text: 'x', sentences: ['Other towns are watching.', 'Closely.'], search_terms: ['town hall'] },
  ],
  hashtags: ['#solar'],
};
const demoParams = demoWorkflow.graph.nodes[1].params;
const variables = { topic: demoWorkflow.variables.topic };

let fake: FakeOpenAIChatServer | undefined;
let test: NodeTestContext | undefined;
afterEach(async () => {
  await fake?.close();
  await test?.cleanup();
  fake = undefined;
  test = undefined;
});

async function withOpenAI(consumers: NodeConsumer[] = []): Promise<NodeTestContext> {
  fake = await startFakeOpenAIChatServer({ defaultAnswer: { content: JSON.stringify(reply), usage: { prompt_tokens: 287, completion_tokens: 163 } } });
  const openai = new OpenAIScriptWriter({ apiKey: 'sk-node-test', baseURL: fake.baseURL });
  test = await createNodeTestContext({ variables, consumers, providers: testProviders({ script: { openai, offline: new OfflineScriptWriter() } }) });
  return test;
}

async function offlineOnly(strict = false): Promise<NodeTestContext> {
  test = await createNodeTestContext({ variables, providers: testProviders({ strict, script: { offline: new OfflineScriptWriter() } }) });
  return test;
}

describe('Script.Generate', () => {
  it('reads the sample graph params and checks the rest', () => {
    expect(scriptGenerateNode.params.parse(demoParams)).toEqual({ genre: 'news', lang: 'en', prompt: '30s punchy headline + 3 beats', provider: 'openai' });
    expect(scriptGenerateNode.params.parse({ genre: 'facts', prompt: 'x' }).lang).toBe('en');
    expect(scriptGenerateNode.params.safeParse({ ...demoParams, lang: 'english!' }).success).toBe(false);
    expect(scriptGenerateNode.params.safeParse({ ...demoParams, beats: 11 }).success).toBe(false);
    expect(scriptGenerateNode.params.safeParse({ ...demoParams, target_seconds: 4 }).success).toBe(false);
  });

  it('asks the model for as many words as the voice reading the script says in the target (the fastest, when several read it)', async () => {
    const { ctx, record } = await withOpenAI([
      { nodeId: 'slow', type: 'Voice.TTS', params: { voice: 'alloy', speed: 0.9 } },
      { nodeId: 'fast', type: 'Voice.TTS', params: { voice: 'alloy', speed: 1.25 } },
      { nodeId: 'other', type: 'Edit.Timeline', params: { speed: 2 } },
    ]);
    await scriptGenerateNode.run(ctx, {}, scriptGenerateNode.params.parse(demoParams));
    // 30 s × 3.2 words a second × 1.25.
    expect(fake!.requests[0]!.body.messages[1].content).toContain('Length: about 30 seconds spoken, about 120 words in total.');
    expect(record.logs[0]).toEqual({
      level: 'info',
      message: 'planning 30 s of narration at 4.0 words a second',
      data: { targetSeconds: 30, lang: 'en', voiceSpeed: 1.25 },
    });
  });

  it('writes with the chat model and records its exact token usage', async () => {
    const { ctx, record } = await withOpenAI();
    const script = await scriptGenerateNode.run(ctx, {}, scriptGenerateNode.params.parse(demoParams));
    expect(script).toEqual({
      kind: 'script',
      title: 'City goes solar',
      lang: 'en',
      targetSeconds: 30,
      beats: [
        {
          text: 'The lights changed overnight. Every one of them.',
          sentences: ['The lights changed overnight.', 'Every one of them.'],
          searchTerms: ['solar streetlight'],
        },
        { text: 'Bills fell by half. Nobody expected that.', sentences: ['Bills fell by half.', 'Nobody expected that.'], searchTerms: ['electricity bill'] },
        { text: 'Other towns are watching. Closely.', sentences: ['Other towns are watching.', 'Closely.'], searchTerms: ['town hall'] },
      ],
      hashtags: ['#solar'],
    });
    expect(record.usage).toEqual([{ resource: 'llm_tokens', model: 'gpt-4o-mini', promptTokens: 287, outputTokens: 163 }]);
    const prompt: string = fake!.requests[0]!.body.messages[1].content;
    expect(prompt).toContain('Length: about 30 seconds spoken, about 96 words in total.');
    expect(prompt).toContain('Beats: exactly 3 after the headline.');
    expect(prompt).toContain(`- topic: ${demoWorkflow.variables.topic}`);
    expect(record.logs.filter((log) => log.level === 'warn')).toEqual([]);
  });

  it('records the tokens of an answer that is not a usable script, and fails', async () => {
    const { ctx, record } = await withOpenAI();
    fake!.scriptAnswers({ content: 'not a script', usage: { prompt_tokens: 290, completion_tokens: 4 } });
    await expect(scriptGenerateNode.run(ctx, {}, scriptGenerateNode.params.parse(demoParams))).rejects.toMatchObject({ code: 'PROVIDER_RESPONSE_INVALID' });
    expect(record.usage).toEqual([{ resource: 'llm_tokens', model: 'gpt-4o-mini', promptTokens: 290, outputTokens: 4 }]);
  });

  it('sends the model and beat count the params name over the prompt', async () => {
    const { ctx, record } = await withOpenAI();
    await scriptGenerateNode.run(ctx, {}, scriptGenerateNode.params.parse({ ...demoParams, model: 'gpt-4.1-mini', beats: 5, target_seconds: 45 }));
    expect(fake!.requests[0]!.body.model).toBe('gpt-4.1-mini');
    expect(fake!.requests[0]!.body.messages[1].content).toContain('Beats: exactly 5 after the headline.');
    expect(record.usage).toEqual([{ resource: 'llm_tokens', model: 'gpt-4.1-mini', promptTokens: 287, outputTokens: 163 }]);
  });

  it('falls back to the offline writer when OpenAI is not configured, says so, and records no usage', async () => {
    const { ctx, record } = await offlineOnly();
    const script = await scriptGenerateNode.run(ctx, {}, scriptGenerateNode.params.parse(demoParams));
    expect(script.beats).toHaveLength(3);
    expect(script.lang).toBe('en');
    expect(record.usage).toEqual([]);
    expect(record.logs.filter((log) => log.level === 'warn')).toEqual([
      {
        level: 'warn',
        message: 'script writer openai is not available (no API key is configured); using the offline writer instead',
        data: { asked: 'openai', used: 'offline' },
      },
    ]);
    const again = await scriptGenerateNode.run(ctx, {}, scriptGenerateNode.params.parse(demoParams));
    expect(again).toEqual(script);
  });

  it('uses the offline writer without a warning when asked for it', async () => {
    const { ctx, record } = await withOpenAI();
    const script = await scriptGenerateNode.run(ctx, {}, scriptGenerateNode.params.parse({ ...demoParams, provider: 'offline', prompt: '20s, 2 beats' }));
    expect(script.beats).toHaveLength(2);
    expect(fake!.requests).toHaveLength(0);
    expect(record.logs.filter((log) => log.level === 'warn')).toEqual([]);
  });

  it('fails with PROVIDER_UNAVAILABLE in strict mode instead of falling back', async () => {
    const { ctx } = await offlineOnly(true);
    await expect(scriptGenerateNode.run(ctx, {}, scriptGenerateNode.params.parse(demoParams))).rejects.toThrow(
      new FentaError('PROVIDER_UNAVAILABLE', { provider: 'openai', reason: 'no API key is configured' }),
    );
  });

  it('fails with SCRIPT_LANGUAGE_UNSUPPORTED when the offline writer does not write the language, naming those it does', async () => {
    const { ctx, record } = await offlineOnly();
    for (const lang of ['ja', 'fr-CA']) {
      await expect(scriptGenerateNode.run(ctx, {}, scriptGenerateNode.params.parse({ ...demoParams, provider: 'offline', lang }))).rejects.toThrow(
        new FentaError('SCRIPT_LANGUAGE_UNSUPPORTED', { writer: 'offline', lang: JSON.stringify(lang), supported: 'en, es, de' }),
      );
    }
    expect(record.usage).toEqual([]);
  });

  describe('with provider "given"', () => {
    it("takes the caller's text: beats at blank lines, the first sentence as headline, no model called and no usage", async () => {
      const { ctx, record } = await withOpenAI();
      const params = scriptGenerateNode.params.parse({
        provider: 'given',
        lang: 'de',
        text: 'Die Stadt schaltet um. Jede Laterne leuchtet mit Sonne.\n\nDie Rechnung halbiert sich!  Niemand hat das erwartet.\n\nAndere Städte schauen zu.',
        hashtags: ['solar', '#stadt'],
      });
      const script = await scriptGenerateNode.run(ctx, {}, params);
      expect(script).toEqual({
        kind: 'script',
        title: 'Die Stadt schaltet um.',
        lang: 'de',
        given: true,
        beats: [
          {
            text: 'Die Stadt schaltet um. Jede Laterne leuchtet mit Sonne.',
            sentences: ['Die Stadt schaltet um.', 'Jede Laterne leuchtet mit Sonne.'],
            searchTerms: [],
          },
          {
            text: 'Die Rechnung halbiert sich! Niemand hat das erwartet.',
            sentences: ['Die Rechnung halbiert sich!', 'Niemand hat das erwartet.'],
            searchTerms: [],
          },
          { text: 'Andere Städte schauen zu.', sentences: ['Andere Städte schauen zu.'], searchTerms: [] },
        ],
        hashtags: ['#solar', '#stadt'],
      });
      expect(fake!.requests).toHaveLength(0);
      expect(record.usage).toEqual([]);
      expect(record.logs.map((log) => log.message)).toEqual(['took the given script "Die Stadt schaltet um."']);
    });

    it('groups text without blank lines two sentences a beat, and keeps CJK sentences whole', async () => {
      const { ctx } = await offlineOnly();
      const english = await scriptGenerateNode.run(ctx, {}, scriptGenerateNode.params.parse({ provider: 'given', text: 'One. Two! Three? Four. Five.' }));
      expect(english.beats.map((beat) => beat.sentences)).toEqual([['One.', 'Two!'], ['Three?', 'Four.'], ['Five.']]);
      const japanese = await scriptGenerateNode.run(
        ctx,
        {},
        scriptGenerateNode.params.parse({ provider: 'given', lang: 'ja', title: '太陽の街', text: '街の灯りが変わった。電気代は半分になった。' }),
      );
      expect(japanese).toMatchObject({ title: '太陽の街', lang: 'ja', beats: [{ sentences: ['街の灯りが変わった。', '電気代は半分になった。'] }] });
    });

    it('takes beats with their own search terms', async () => {
      const { ctx, record } = await offlineOnly();
      const script = await scriptGenerateNode.run(
        ctx,
        {},
        scriptGenerateNode.params.parse({
          provider: 'given',
          title: 'City goes solar',
          beats: [{ text: 'The lights changed overnight.', search_terms: ['solar streetlight', 'night city'] }, { text: 'Bills fell by half.' }],
        }),
      );
      expect(script.beats).toEqual([
        { text: 'The lights changed overnight.', sentences: ['The lights changed overnight.'], searchTerms: ['solar streetlight', 'night city'] },
        { text: 'Bills fell by half.', sentences: ['Bills fell by half.'], searchTerms: [] },
      ]);
      expect(script.title).toBe('City goes solar');
      expect(record.usage).toEqual([]);
    });

    it('refuses params that do not go together, naming each', () => {
      const problems = (params: object) =>
        scriptGenerateNode.params.safeParse(params).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];
      expect(problems({ provider: 'given' })).toEqual(['text: is required with provider "given" (or beats, a list of {text, search_terms})']);
      expect(problems({ provider: 'given', text: 'Hi.', beats: [{ text: 'Hi.' }] })).toEqual(['text: and a list of beats are both given: give one of them']);
      expect(problems({ provider: 'given', text: 'Hi.', model: 'gpt-4o' })).toEqual(['model: is not read with provider "given": no model is called']);
      expect(problems({ ...demoParams, text: 'Hi.' })).toEqual(['text: is read with provider "given" only']);
      expect(problems({ ...demoParams, beats: [{ text: 'Hi.' }] })).toEqual([
        'beats: must be a number of beats; a list of beats is read with provider "given" only',
      ]);
      expect(problems({ lang: 'en' })).toEqual(['genre: is required (unless provider is "given")', 'prompt: is required (unless provider is "given")']);
      expect(problems({ provider: 'given', beats: [] })).toEqual(['beats: Too small: expected array to have >=1 items']);
      expect(problems({ provider: 'given', text: '   ' })).toContain('text: Too small: expected string to have >=1 characters');
    });

    it('fails with NODE_PARAM_INVALID when the text has no words to speak', async () => {
      const { ctx } = await offlineOnly();
      await expect(scriptGenerateNode.run(ctx, {}, scriptGenerateNode.params.parse({ provider: 'given', text: '… !!! ?' }))).rejects.toThrow(
        new FentaError('NODE_PARAM_INVALID', { node: ctx.nodeId, type: 'Script.Generate', path: 'text', reason: 'has no words to speak' }),
      );
    });
  });

  describe('retried by the node policy, the one retry layer, with the real writer against the fake chat API', () => {
    const attempts = scriptGenerateDefinition.retry.attempts;
    // The definition's tries, with a short backoff to keep the test fast.
    const nodeType = { ...scriptGenerateNode, retry: { attempts, backoffMs: 5 } };
    const outage = { status: 503, error: { message: 'The server is overloaded' } };

    /** Runs the node as the executor does: a fresh context and temp folder per attempt; how many attempts started is kept. */
    function runWithPolicy(nt: NodeTestContext) {
      const started: number[] = [];
      const run = runNodeWithPolicy(
        nodeType,
        (signal, attempt) => {
          started.push(attempt);
          return { ...nt.ctx, signal, attempt };
        },
        {},
        scriptGenerateNode.params.parse(demoParams),
        nt.abort.signal,
        'n2',
        async () => {
          await rm(nt.ctx.tempDir, { recursive: true, force: true });
          await mkdir(nt.ctx.tempDir, { recursive: true });
        },
      );
      return { run, started };
    }

    it('uses at least two tries, so a retry is possible', () => {
      expect(attempts).toBeGreaterThanOrEqual(2);
    });

    it('completes after one 503: the writer made one call per attempt and the fake saw exactly 2 requests', async () => {
      const nt = await withOpenAI();
      fake!.scriptAnswers(outage);
      const { run, started } = runWithPolicy(nt);
      const script = await run;
      expect(script.title).toBe('City goes solar');
      expect(fake!.requests).toHaveLength(2);
      expect(started).toEqual([1, 2]);
      // The usage is recorded once, by the attempt that succeeded.
      expect(nt.record.usage).toEqual([{ resource: 'llm_tokens', model: 'gpt-4o-mini', promptTokens: 287, outputTokens: 163 }]);
      expect(nt.record.logs.filter((log) => log.level === 'warn')).toEqual([
        {
          level: 'warn',
          message: expect.stringMatching(new RegExp(`^attempt 1 of ${attempts} failed, retrying in \\d+ ms$`)),
          data: { code: 'PROVIDER_ERROR', error: 'Provider openai answered 503: The server is overloaded' },
        },
      ]);
    });

    it('fails at once with PROVIDER_REQUEST_REFUSED after exactly 1 request when the key is refused', async () => {
      const nt = await withOpenAI();
      fake!.scriptAnswers({
        status: 401,
        error: { message: 'Incorrect API key provided: sk-node****test.', type: 'invalid_request_error', code: 'invalid_api_key' },
      });
      const { run, started } = runWithPolicy(nt);
      const error = await run.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(FentaError);
      expect(error).toMatchObject({ code: 'PROVIDER_REQUEST_REFUSED', retryable: false, params: { provider: 'openai', status: 401 } });
      expect((error as FentaError).message).not.toContain('sk-node-test');
      expect(fake!.requests).toHaveLength(1);
      expect(started).toEqual([1]);
      expect(nt.record.logs.filter((log) => log.level === 'warn')).toEqual([]);
    });

    it(`fails with PROVIDER_ERROR after exactly the definition's attempts when every answer is a 503`, async () => {
      const nt = await withOpenAI();
      // One answer more than the attempts: a try too many would be seen, not succeed.
      fake!.scriptAnswers(...Array.from({ length: attempts + 1 }, () => outage));
      const { run, started } = runWithPolicy(nt);
      const error = await run.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(FentaError);
      expect(error).toMatchObject({ code: 'PROVIDER_ERROR', retryable: true, message: 'Provider openai answered 503: The server is overloaded' });
      expect(fake!.requests).toHaveLength(attempts);
      expect(started).toEqual(Array.from({ length: attempts }, (_, i) => i + 1));
      expect(nt.record.usage).toEqual([]);
    });
  });
});
