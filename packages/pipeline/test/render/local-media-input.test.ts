import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { assembleSpeech } from '../../src/providers/tts/assemble-speech';
import { probeAudio } from '../../src/providers/tts/probe-audio';
import { compileTimeline } from '../../src/render/compile-ffmpeg';
import { mixAudio } from '../../src/render/mix-audio';
import { getOutputProfile } from '../../src/render/output-profiles';
import { probeMedia } from '@fenta/media';
import { runFfmpeg } from '../../src/render/run-ffmpeg';
import type { Timeline } from '../../src/timeline/timeline-ir';
import { makeChord } from './render-fixtures';

const exec = promisify(execFile);
const signal = new AbortController().signal;

let dir: string;
let server: Server;
let base: string;
/** Every path the loopback server was asked for, in order. */
const requested: string[] = [];
const file = (name: string) => path.join(dir, name);

/**
 * Asks the server for `/settled` and waits for the answer. Connections are
 * accepted in order, so once it is answered, any request ffmpeg had made
 * before it has been recorded: no sleep is needed to know nothing came.
 */
async function settled(): Promise<string[]> {
  await fetch(`${base}/settled`).then((r) => r.arrayBuffer());
  return requested.splice(0).filter((p) => p !== '/settled');
}

function timeline(clip: string): { timeline: Timeline; inputs: Record<string, string> } {
  return {
    timeline: {
      kind: 'timeline',
      profile: getOutputProfile('9x16_720p', { preset: 'ultrafast' }),
      durationSeconds: 1,
      clips: [{ source: 'clip', inPoint: 0, start: 0, end: 1 }],
      overlays: [],
      audio: { voice: { source: 'voice', gainDb: 0 }, loudnessLufs: -14 },
      thumbnailAt: 0,
    },
    inputs: { clip, voice: file('voice.wav') },
  };
}

/** The ways Fenta hands a file to ffmpeg or ffprobe, each run on `input`; each must fail. */
const readers: Array<[string, (input: string) => Promise<unknown>]> = [
  ['probeMedia (ffprobe: stock downloads, renders)', (input) => probeMedia(input)],
  ['probeAudio (ffprobe: speech)', (input) => probeAudio(input, { signal, provider: 'test' })],
  [
    'assembleSpeech (ffmpeg: speech)',
    (input) =>
      assembleSpeech(
        [{ text: 'x', beat: 0, audio: { path: input, sampleRate: 48_000, durationSeconds: 1, speechStart: 0, speechEnd: 1, silences: [] }, words: [] }],
        {
          outputPath: file('speech.wav'),
          pauseSeconds: 0.25,
          signal,
          provider: 'test',
        },
      ),
  ],
  [
    'the compiled render (ffmpeg: footage, images)',
    (input) => {
      const { timeline: t, inputs } = timeline(input);
      return runFfmpeg(compileTimeline(t, { inputs, audio: file('voice.wav'), output: file('video.mp4'), thumbnail: file('thumbnail.jpg') }).args);
    },
  ],
  [
    'mixAudio (ffmpeg: voice, music)',
    (input) => {
      const { timeline: t, inputs } = timeline(file('clip.mp4'));
      const music: Timeline = { ...t, audio: { ...t.audio, music: { source: 'music', gainDb: -12, duck: true } } };
      return mixAudio(music, { inputs: { ...inputs, music: input }, dir, signal });
    },
  ],
];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fenta-protocols-'));
  server = createServer((request, response) => {
    requested.push(request.url ?? '');
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await makeChord(file('voice.wav'), 1);
  // A tenant's "video" that is an HLS playlist: ffmpeg finds the format from the content, whatever the name.
  await writeFile(
    file('upload.mp4'),
    ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:1', '#EXT-X-MEDIA-SEQUENCE:0', '#EXTINF:1.0,', `${base}/segment.ts`, '#EXT-X-ENDLIST', ''].join(
      '\n',
    ),
  );
  await writeFile(file('list.ffconcat'), `ffconcat version 1.0\nfile '${base}/clip.mp4'\n`);
  // The same, naming a file on this machine: with `file` allowed, only refusing the container keeps it out.
  await writeFile(file('local-playlist.mp4'), ['#EXTM3U', '#EXT-X-TARGETDURATION:1', '#EXTINF:1.0,', file('voice.wav'), '#EXT-X-ENDLIST', ''].join('\n'));
}, 30_000);

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('media are read from local files only', () => {
  it.each(readers)('%s refuses a playlist naming a loopback URL by the container whitelist, and nothing is requested', async (_name, read) => {
    const failure = (await read(file('upload.mp4')).catch((e: unknown) => e)) as Error;
    expect(failure.message).toMatch(/\[hls @ 0x[0-9a-f]+\] Format not on whitelist 'mov,matroska,/);
    expect(await settled()).toEqual([]);
  });

  it.each(readers)("%s refuses a playlist naming a file on this disk (another org's media), as a container it never opens", async (_name, read) => {
    const failure = (await read(file('local-playlist.mp4')).catch((e: unknown) => e)) as Error;
    expect(failure.message).toMatch(/\[hls @ 0x[0-9a-f]+\] Format not on whitelist/);
  });

  it.each(readers)('%s refuses a concat list naming a loopback URL, and nothing is requested', async (_name, read) => {
    const failure = (await read(file('list.ffconcat')).catch((e: unknown) => e)) as Error;
    expect(failure.message).toMatch(/\[concat @ 0x[0-9a-f]+\] Format not on whitelist/);
    expect(await settled()).toEqual([]);
  });

  it.each(readers)('%s refuses an input named by a URL before any request is made', async (_name, read) => {
    const failure = (await read(`${base}/clip.mp4`).catch((e: unknown) => e)) as Error;
    expect(failure.message).toContain("Protocol 'http' not on whitelist 'file'!");
    expect(await settled()).toEqual([]);
  });

  it('is what keeps them off the network: without the whitelist ffprobe asks the server for a URL input', async () => {
    const failure = await exec('ffprobe', ['-v', 'error', `${base}/clip.mp4`]).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 1 });
    expect(await settled()).toEqual(['/clip.mp4']);
  });

  it('reports a refused speech file as unreadable audio, not as a missing program', async () => {
    const failure = await probeAudio(`${base}/voice.wav`, { signal, provider: 'test' }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'PROVIDER_RESPONSE_INVALID' });
    expect(await settled()).toEqual([]);
  });
});
