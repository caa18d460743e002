import { FentaError } from '@fenta/core';
import { demoWorkflow } from '@fenta/db';
import { scriptGenerateNode } from '../../src/nodes/script-generate.node';
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

async function withOpenAI(): Promise<NodeTestContext> {
  fake = await startFakeOpenAIChatServer({ defaultAnswer: { content: JSON.stringify(reply), usage: { prompt_tokens: 287, completion_tokens: 163 } } });
  const openai = new OpenAIScriptWriter({ apiKey: 'sk-node-test', baseURL: fake.baseURL, retry: { attempts: 2, backoffMs: 5 } });
  test = await createNodeTestContext({ variables, providers: testProviders({ script: { openai, offline: new OfflineScriptWriter() } }) });
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

  it('writes with the chat model and records its exact token usage', async () => {
    const { ctx, record } = await withOpenAI();
    const script = await scriptGenerateNode.run(ctx, {}, scriptGenerateNode.params.parse(demoParams));
    expect(script).toEqual({
      kind: 'script',
      title: 'City goes solar',
      lang: 'en',
      beats: [
        { text: 'The lights changed overnight. Every one of them.', sentences: ['The lights changed overnight.', 'Every one of them.'], searchTerms: ['solar streetlight'] },
        { text: 'Bills fell by half. Nobody expected that.', sentences: ['Bills fell by half.', 'Nobody expected that.'], searchTerms: ['electricity bill'] },
        { text: 'Other towns are watching. Closely.', sentences: ['Other towns are watching.', 'Closely.'], searchTerms: ['town hall'] },
      ],
      hashtags: ['#solar'],
    });
    expect(record.usage).toEqual([{ resource: 'llm_tokens', model: 'gpt-4o-mini', promptTokens: 287, outputTokens: 163 }]);
    const prompt: string = fake!.requests[0]!.body.messages[1].content;
    expect(prompt).toContain('Length: about 30 seconds spoken, about 75 words in total.');
    expect(prompt).toContain('Beats: exactly 3 after the headline.');
    expect(prompt).toContain(`- topic: ${demoWorkflow.variables.topic}`);
    expect(record.logs.filter((log) => log.level === 'warn')).toEqual([]);
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

  it('warns when the script is not in the language asked for', async () => {
    const { ctx, record } = await offlineOnly();
    const script = await scriptGenerateNode.run(ctx, {}, scriptGenerateNode.params.parse({ ...demoParams, provider: 'offline', lang: 'fr-CA' }));
    expect(script.lang).toBe('en');
    expect(record.logs.filter((log) => log.level === 'warn').map((log) => log.message)).toEqual([
      'the offline writer has no fr-CA templates; the script is in en',
    ]);
  });
});
