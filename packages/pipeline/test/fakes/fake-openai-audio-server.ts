import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type AudioRoute = 'speech' | 'transcriptions';

/** A request as the fake received it: the JSON body's fields for speech, the form's fields (a file as its name, type and bytes) for transcriptions. */
export interface ReceivedAudioRequest {
  route: AudioRoute;
  authorization: string | undefined;
  contentType: string | undefined;
  fields: Record<string, unknown>;
}

/** An answer the test scripts instead of the real one, e.g. a 429 or a 500 in OpenAI's error body. */
export interface ScriptedAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Never answer: the client's timeout (or abort) has to end the request. */
  hang?: boolean;
}

/** A clip the fake served: what it says, where the fake kept it, and how long it is. */
export interface ServedClip {
  text: string;
  path: string;
  durationSeconds: number;
}

/** What the fake answered for one transcription. */
export interface FakeTranscript {
  text: string;
  words: Array<{ word: string; start: number; end: number }>;
}

/**
 * OpenAI's audio API on 127.0.0.1, speaking its wire format.
 * `POST /v1/audio/speech` answers real speech: espeak-ng says the input at the
 * requested speed, as 24 kHz mono 16-bit WAV like OpenAI's `wav` format.
 * `POST /v1/audio/transcriptions` reads the multipart form and answers
 * `verbose_json`: for audio it served, the words of its input spread evenly
 * over the middle 80% of the clip, punctuation stripped as Whisper does.
 */
export interface FakeOpenAIAudioServer {
  /** `http://127.0.0.1:<port>/v1`, the SDK's `baseURL`. */
  baseURL: string;
  requests: ReceivedAudioRequest[];
  /** The speech clips served, in order. */
  clips: ServedClip[];
  /** What the fake answered for each transcription, in order. */
  transcripts: FakeTranscript[];
  /** Resolves when the fake has received (and recorded) its next request. */
  nextRequest(): Promise<ReceivedAudioRequest>;
  /** Answers used first, one per request to the route. */
  queue(route: AudioRoute, answers: ScriptedAnswer[]): void;
  /** An answer for every request to the route once its queue is empty; undefined restores real answers. */
  always(route: AudioRoute, answer: ScriptedAnswer | undefined): void;
  close(): Promise<void>;
}

/** An error body as OpenAI sends it. */
export function openAIErrorBody(message: string, type = 'invalid_request_error'): unknown {
  return { error: { message, type, param: null, code: null } };
}

/** Starts the fake on a free loopback port. */
export async function startFakeOpenAIAudioServer(): Promise<FakeOpenAIAudioServer> {
  const workDir = await mkdtemp(path.join(tmpdir(), 'fake-openai-audio-'));
  const requests: ReceivedAudioRequest[] = [];
  const transcripts: FakeTranscript[] = [];
  const served: ServedClip[] = [];
  let clipCount = 0;
  const waiters: Array<(request: ReceivedAudioRequest) => void> = [];
  const queues: Record<AudioRoute, ScriptedAnswer[]> = { speech: [], transcriptions: [] };
  const standing: Partial<Record<AudioRoute, ScriptedAnswer>> = {};
  // What each served clip said, by a hash of its samples: an upload of the same samples in any WAV wrapping finds it.
  const spoken = new Map<string, { text: string; duration: number }>();

  const speak = async (fields: Record<string, unknown>): Promise<Buffer> => {
    clipCount += 1;
    const number = clipCount;
    const raw = path.join(workDir, `clip-${number}.espeak.wav`);
    const wav = path.join(workDir, `clip-${number}.wav`);
    const wordsPerMinute = String(Math.round(175 * Number(fields.speed ?? 1)));
    await run('espeak-ng', ['-v', 'en-us', '-s', wordsPerMinute, '-z', '-w', raw, '--', String(fields.input)]);
    await run('ffmpeg', [
      '-hide_banner',
      '-v',
      'error',
      '-y',
      '-i',
      raw,
      '-ar',
      '24000',
      '-ac',
      '1',
      '-c:a',
      'pcm_s16le',
      '-map_metadata',
      '-1',
      '-fflags',
      '+bitexact',
      wav,
    ]);
    const bytes = await readFile(wav);
    const samples = wavSamples(bytes);
    spoken.set(hash(samples.data), { text: String(fields.input), duration: samples.duration });
    served.push({ text: String(fields.input), path: wav, durationSeconds: samples.duration });
    return bytes;
  };

  const transcribe = (file: Buffer): FakeTranscript => {
    const samples = wavSamples(file);
    const source = spoken.get(hash(samples.data));
    if (!source) return { text: '', words: [] };
    const words = source.text
      .split(/\s+/)
      .map((w) => w.replace(/[^\p{L}\p{N}'-]/gu, ''))
      .filter(Boolean);
    const from = 0.1 * source.duration;
    const step = (0.8 * source.duration) / words.length;
    return {
      text: source.text,
      words: words.map((word, i) => ({ word, start: round(from + i * step), end: round(from + (i + 0.9) * step) })),
    };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request);
    const route: AudioRoute | undefined =
      request.method === 'POST' && request.url === '/v1/audio/speech'
        ? 'speech'
        : request.method === 'POST' && request.url === '/v1/audio/transcriptions'
          ? 'transcriptions'
          : undefined;
    if (!route) return sendJson(response, 404, openAIErrorBody(`Unknown request URL: ${request.method} ${request.url}`));
    const contentType = request.headers['content-type'];
    const fields = route === 'speech' ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : await formFields(body, contentType ?? '');
    const received: ReceivedAudioRequest = { route, authorization: request.headers.authorization, contentType, fields };
    requests.push(received);
    waiters.splice(0).forEach((wake) => wake(received));
    const scripted = queues[route].shift() ?? standing[route];
    if (scripted?.hang) return;
    if (scripted) return sendJson(response, scripted.status, scripted.body ?? openAIErrorBody(`scripted ${scripted.status}`), scripted.headers);
    if (route === 'speech') {
      const audio = await speak(fields);
      response.writeHead(200, { 'content-type': 'audio/wav', 'content-length': audio.length });
      response.end(audio);
      return;
    }
    const file = fields.file as { bytes: Buffer } | undefined;
    const transcript = transcribe(file?.bytes ?? Buffer.alloc(0));
    transcripts.push(transcript);
    const duration = file ? wavSamples(file.bytes).duration : 0;
    sendJson(response, 200, { task: 'transcribe', language: 'english', duration, text: transcript.text, words: transcript.words });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) =>
      sendJson(response, 500, openAIErrorBody(`fake server failed: ${(error as Error).message}`, 'server_error')),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    clips: served,
    transcripts,
    nextRequest: () => new Promise((resolve) => waiters.push(resolve)),
    queue: (route, answers) => queues[route].push(...answers),
    always: (route, answer) => {
      standing[route] = answer;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

/** The sample bytes (the `data` chunk) and duration of a PCM WAV. */
function wavSamples(wav: Buffer): { data: Buffer; duration: number } {
  if (wav.length < 12 || wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') return { data: Buffer.alloc(0), duration: 0 };
  let byteRate = 0;
  for (let at = 12; at + 8 <= wav.length;) {
    const id = wav.toString('ascii', at, at + 4);
    const size = wav.readUInt32LE(at + 4);
    if (id === 'fmt ') byteRate = wav.readUInt32LE(at + 16);
    if (id === 'data') {
      const data = wav.subarray(at + 8, Math.min(wav.length, at + 8 + size));
      return { data, duration: byteRate ? data.length / byteRate : 0 };
    }
    at += 8 + size + (size % 2);
  }
  return { data: Buffer.alloc(0), duration: 0 };
}

async function formFields(body: Buffer, contentType: string): Promise<Record<string, unknown>> {
  const form = await new Request('http://fake.invalid/', { method: 'POST', headers: { 'content-type': contentType }, body }).formData();
  const fields: Record<string, unknown> = {};
  for (const [name, value] of form.entries()) {
    const parsed = typeof value === 'string' ? value : { name: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) };
    const existing = fields[name];
    fields[name] = existing === undefined ? parsed : Array.isArray(existing) ? [...existing, parsed] : [existing, parsed];
  }
  return fields;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

function hash(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
