import { FentaError } from '@fenta/core';
import type { ScriptRequest } from '../../src/providers/pipeline-providers';
import { OpenAIScriptWriter } from '../../src/providers/script/openai-script-writer';
import { scriptReplyJsonSchema } from '../../src/providers/script/script-reply';
import { startFakeOpenAIChatServer, type FakeOpenAIChatServer } from '../fakes/fake-openai-chat-server';

const apiKey = 'sk-test-chat-1234';
const reply = {
  title: 'City goes solar',
  beats: [
    {
      text: 'The lights changed overnight. Every one of them.',
      sentences: ['The lights changed overnight.', 'Every one of them.'],
      search_terms: ['solar streetlight', 'city night'],
    },
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
  return new OpenAIScriptWriter({ apiKey, baseURL: fake.baseURL, model: 'gpt-4o-mini', responseFormat });
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
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
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
        // English narration is read at 3.2 words a second.
        'Length: about 30 seconds spoken, about 96 words in total.',
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
          {
            text: 'The lights changed overnight. Every one of them.',
            sentences: ['The lights changed overnight.', 'Every one of them.'],
            searchTerms: ['solar streetlight', 'city night'],
          },
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

  it('fails with PROVIDER_RESPONSE_INVALID when the content is not JSON, and reports the answer as billed all the same', async () => {
    const writer = await setUp();
    fake.scriptAnswers({ content: 'Sure! Here is your script: City goes solar...', usage: { prompt_tokens: 300, completion_tokens: 12 } });
    const billed: unknown[] = [];
    const error = await failure(writer.write(request, new AbortController().signal, (usage) => billed.push(usage)));
    expect(error.message).toBe('Provider openai answered with something Fenta cannot use: the reply is not JSON');
    expect(fake.requests).toHaveLength(1);
    expect(billed).toEqual([{ model: 'gpt-4o-mini', promptTokens: 300, outputTokens: 12 }]);
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

  // One call per write: whether another try may help is the error's code, and only the node's policy retries.
  it('makes one call: a 429 fails with PROVIDER_RATE_LIMITED carrying the wait the answer asked for', async () => {
    const writer = await setUp();
    fake.scriptAnswers({
      status: 429,
      error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' },
      headers: { 'retry-after-ms': '20' },
    });
    const error = await failure(writer.write(request, new AbortController().signal));
    expect(error.code).toBe('PROVIDER_RATE_LIMITED');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('Provider openai is rate limiting requests');
    expect(error.details).toEqual({ retryAfterMs: 20, reason: 'Rate limit reached' });
    expect(fake.requests).toHaveLength(1);
  });

  it('reads a Retry-After in seconds when the answer has no retry-after-ms', async () => {
    const writer = await setUp();
    fake.scriptAnswers({ status: 429, error: { message: 'Rate limit reached', type: 'requests' }, headers: { 'retry-after': '3' } });
    const error = await failure(writer.write(request, new AbortController().signal));
    expect(error.code).toBe('PROVIDER_RATE_LIMITED');
    expect(error.details).toEqual({ retryAfterMs: 3000, reason: 'Rate limit reached' });
    expect(fake.requests).toHaveLength(1);
  });

  it('makes one call: a 503 fails with the retryable PROVIDER_ERROR', async () => {
    const writer = await setUp();
    const outage = { status: 503, error: { message: 'The server is overloaded' } };
    // A second answer is scripted so that a hidden retry would show as a second request.
    fake.scriptAnswers(outage, outage);
    const error = await failure(writer.write(request, new AbortController().signal));
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('Provider openai answered 503: The server is overloaded');
    expect(fake.requests).toHaveLength(1);
  });

  it('treats a 408 as a retryable PROVIDER_ERROR', async () => {
    const writer = await setUp();
    fake.scriptAnswers({ status: 408, error: { message: 'Request timed out' } });
    const error = await failure(writer.write(request, new AbortController().signal));
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('Provider openai answered 408: Request timed out');
    expect(fake.requests).toHaveLength(1);
  });

  it('fails with PROVIDER_REQUEST_REFUSED, not retryable, when the key is refused, and never shows the key', async () => {
    const writer = await setUp();
    // As OpenAI answers: the key masked in the message.
    const refusal = 'Incorrect API key provided: sk-test-****1234. You can find your API key at https://platform.openai.com/account/api-keys.';
    fake.scriptAnswers({ status: 401, error: { message: refusal, type: 'invalid_request_error', code: 'invalid_api_key' } });
    const error = await failure(writer.write(request, new AbortController().signal));
    expect(error.code).toBe('PROVIDER_REQUEST_REFUSED');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(`Provider openai refused the request (401): ${refusal}`);
    expect(`${error.message} ${JSON.stringify(error.toBody())} ${JSON.stringify(error.params)}`).not.toContain(apiKey);
    expect(fake.requests).toHaveLength(1);
  });

  it('fails with PROVIDER_REQUEST_REFUSED on a 400', async () => {
    const writer = await setUp();
    fake.scriptAnswers({ status: 400, error: { message: "Invalid value for 'temperature'", type: 'invalid_request_error' } });
    const error = await failure(writer.write(request, new AbortController().signal));
    expect(error.code).toBe('PROVIDER_REQUEST_REFUSED');
    expect(error.retryable).toBe(false);
    expect(error.params).toEqual({ provider: 'openai', status: 400, reason: "Invalid value for 'temperature'" });
    expect(fake.requests).toHaveLength(1);
  });

  it('fails with PROVIDER_ERROR status connection-failed when the API cannot be reached', async () => {
    const writer = await setUp();
    await fake.close();
    const error = await failure(writer.write(request, new AbortController().signal));
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.retryable).toBe(true);
    expect(error.params.status).toBe('connection-failed');
  });
});
