import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A chat request as the fake received it. */
export interface ReceivedChatRequest {
  path: string;
  authorization: string | undefined;
  body: Record<string, any>;
  at: number;
}

/**
 * One answer of the fake: a completion whose message content is `content`,
 * or, with `status`, an error in OpenAI's error body.
 */
export interface FakeChatAnswer {
  content?: string | null;
  finishReason?: 'stop' | 'length' | 'content_filter';
  refusal?: string;
  usage?: { prompt_tokens: number; completion_tokens: number };
  status?: number;
  headers?: Record<string, string>;
  error?: { message: string; type?: string; code?: string | null };
}

export interface FakeOpenAIChatServer {
  /** What to give the SDK as `baseURL` (ends in `/v1`). */
  baseURL: string;
  requests: ReceivedChatRequest[];
  /** Answers served in order to the next requests; after them, the default answer. */
  scriptAnswers(...answers: FakeChatAnswer[]): void;
  close(): Promise<void>;
}

let completionNumber = 0;

/**
 * A stand-in for an OpenAI-compatible chat API: `POST /v1/chat/completions`
 * answered with a `chat.completion` object (choices, usage) or an error body,
 * as the real API does.
 */
export async function startFakeOpenAIChatServer(options: { defaultAnswer: FakeChatAnswer }): Promise<FakeOpenAIChatServer> {
  const requests: ReceivedChatRequest[] = [];
  const scripted: FakeChatAnswer[] = [];

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
        return void response
          .writeHead(404, { 'content-type': 'application/json' })
          .end(
            JSON.stringify({ error: { message: `Unknown request URL: ${request.method} ${request.url}`, type: 'invalid_request_error', code: 'unknown_url' } }),
          );
      }
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, any>;
      requests.push({ path: request.url, authorization: request.headers.authorization, body, at: Date.now() });
      const answer = scripted.shift() ?? options.defaultAnswer;
      if (answer.status && answer.status >= 400) {
        const error = { message: 'error', type: 'server_error', param: null, code: null, ...answer.error };
        return void response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(JSON.stringify({ error }));
      }
      const usage = answer.usage ?? { prompt_tokens: 10, completion_tokens: 20 };
      completionNumber += 1;
      const completion = {
        id: `chatcmpl-fake${completionNumber}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: answer.content ?? null, refusal: answer.refusal ?? null, annotations: [] },
            logprobs: null,
            finish_reason: answer.finishReason ?? 'stop',
          },
        ],
        usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
        system_fingerprint: 'fp_fake',
      };
      response.writeHead(200, { 'content-type': 'application/json', ...answer.headers }).end(JSON.stringify(completion));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    scriptAnswers: (...answers) => scripted.push(...answers),
    async close() {
      if (!server.listening) return;
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
