import { FentaError } from '@fenta/core';
import type { ScriptRequest } from '../../src/providers/pipeline-providers';
import { OpenAIScriptWriter } from '../../src/providers/script/openai-script-writer';
import { scriptReplyJsonSchema } from '../../src/providers/script/script-reply';
import { startFakeOpenAIChatServer, type FakeOpenAIChatServer } from '../fakes/fake-openai-chat-server';

const apiKey = 'sk-test-chat-1234';
const reply = {
  title: 'City goes solar',
  beats: [
    { text: 'The lights changed overnight. Every one of them.', sentences: ['The lights changed overnight.', 'Every one of them.'], search_terms: ['solar streetlight', 'city night'] },
    { text: 'Bills fell by half.', sentences: ['Bills fell by half.'], search_terms: ['electricity bill'] },
    { text: 'Other towns are watching. Closely.', sentences: ['Other towns are watching.', 'Closely.'], search_terms: ['town hall meeting'] },
  ],
  hashtags: ['#solar', 'citynews', '#solar'],
};

let fake: FakeOpenAIChatServer;
afterEach(async () => {
  await fake.close();
});

async function setUp(responseFormat?: 'json_schema' | 'json_object') {
  fake = await startFakeOpenAIChatServer({ defaultAnswer: { content: JSON.stringify(reply), usage: { prompt_tokens: 312, completion_tokens: 148 } } });
  return new OpenAIScriptWriter({ apiKey, baseURL: fake.baseURL, model: 'gpt-4o-mini', retry: { attempts: 3, backoffMs: 5 }, responseFormat });
}

const request: ScriptRequest = {
  genre: 'news',
  lang: 'en',
  prompt: '30s punchy headline + 3 beats',
  targetSeconds: 30,
  beats: 3,
  variables: { topic: 'a city that switched its streetlights to solar power', frame: { width: 1080, height: 1920 } },
};

async function failure(promise: Promise<unknown>): Promise<FentaError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof FentaError)) throw new Error(`expected a FentaError, got ${String(error)}`);
  return error;
}

describe('OpenAIScriptWriter', () => {
  it('asks the chat API with the model, the brief and the JSON schema, and returns the script with its usage', async () => {
    const writer = await setUp();
    const result = await writer.write(request, new AbortController().signal);
    expect(fake.requests).toHaveLength(1);
    const sent = fake.requests[0]!;
    expect(sent.authorization).toBe(`Bearer ${apiKey}`);
    expect(sent.body.model).toBe('gpt-4o-mini');
    expect(sent.body.temperature).toBe(0.7);
    expect(sent.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'short_video_script', strict: true, schema: scriptReplyJsonSchema },
    });
    expect(sent.body.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user']);
    expect(sent.body.messages[1].content).toBe(
      [
        'Genre: news',
        'Language: en',
        'Length: about 30 seconds spoken, about 75 words in total.',
        'Beats: exactly 3 after the headline.',
        'Variables:',
        '- topic: a city that switched its streetlights to solar power',
        'Brief: 30s punchy headline + 3 beats',
      ].join('\n'),
    );
    expect(result).toEqual({
      script: {
        title: 'City goes solar',
        lang: 'en',
        beats: [
          { text: 'The lights changed overnight. Every one of them.', sentences: ['The lights changed overnight.', 'Every one of them.'], searchTerms: ['solar streetlight', 'city night'] },
          { text: 'Bills fell by half.', sentences: ['Bills fell by half.'], searchTerms: ['electricity bill'] },
          { text: 'Other towns are watching. Closely.', sentences: ['Other towns are watching.', 'Closely.'], searchTerms: ['town hall meeting'] },
        ],
        hashtags: ['#solar', '#citynews'],
      },
      usage: { model: 'gpt-4o-mini', promptTokens: 312, outputTokens: 148 },
    });
  });

  it('uses the model a request names', async () => {
    const writer = await setUp();
    const result = await writer.write({ ...request, model: 'llama-3.1-8b' }, new AbortController().signal);
    expect(fake.requests[0]?.body.model).toBe('llama-3.1-8b');
    expect(result.usage?.model).toBe('llama-3.1-8b');
  });

  it('asks for plain JSON mode when told to', async () => {
    const writer = await setUp('json_object');
    await writer.write(request, new AbortController().signal);
    expect(fake.requests[0]?.body.response_format).toEqual({ type: 'json_object' });
  });

  it('fails with PROVIDER_RESPONSE_INVALID when the content is not JSON', async () => {
    const writer = await setUp();
    fake.scriptAnswers({ content: 'Sure! Here is your script: City goes solar...' });
    const error = await failure(writer.write(request, new AbortController().signal));
    expect(error.message).toBe('Provider openai answered with something Fenta cannot use: the reply is not JSON');
    expect(fake.requests).toHaveLength(1);
  });

  it('fails with PROVIDER_RESPONSE_INVALID when the JSON is not a script', async () => {
    const writer = await setUp();
    fake.scriptAnswers({ content: JSON.stringify({ title: 'x', beats: [{ text: 'a', sentences: ['a'], search_terms: [] }], hashtags: [] }) });
    const error = await failure(writer.write(request, new AbortController().signal));
    expect(error.code).toBe('PROVIDER_RESPONSE_INVALID');
    expect(error.params.reason).toMatch(/^the reply is not a script \(beats\.0\.search_terms: /);
  });

  it('fails with PROVIDER_RESPONSE_INVALID when the reply was cut off', async () => {
    const writer = await setUp();
    fake.scriptAnswers({ content: '{"title": "City', finishReason: 'length' });
    const error = await failure(writer.write(request, new AbortController().signal));
    expect(error.params.reason).toBe('the reply was cut off at the token limit');
  });

  it('retries a 429 and succeeds', async () => {
    const writer = await setUp();
    fake.scriptAnswers({ status: 429, error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' }, headers: { 'retry-after-ms': '20' } });
    const result = await writer.write(request, new AbortController().signal);
    expect(result.script.title).toBe('City goes solar');
    expect(fake.requests).toHaveLength(2);
  });

  it('gives up with PROVIDER_ERROR after persistent server errors', async () => {
    const writer = await setUp();
    const outage = { status: 503, error: { message: 'The server is overloaded' } };
    fake.scriptAnswers(outage, outage, outage);
    const error = await failure(writer.write(request, new AbortController().signal));
    expect(error.message).toBe('Provider openai answered 503: The server is overloaded');
    expect(fake.requests).toHaveLength(3);
  });

  it('does not retry a refused key', async () => {
    const writer = await setUp();
    fake.scriptAnswers({ status: 401, error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
    const error = await failure(writer.write(request, new AbortController().signal));
    expect(error.message).toBe('Provider openai answered 401: Incorrect API key provided');
    expect(fake.requests).toHaveLength(1);
  });
});
