import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

type SizeName = 'large' | 'medium' | 'small' | 'tiny';

/** One rendition of a fake hit: its advertised size and the real local file served at its url. */
export interface FakePixabayRendition {
  width: number;
  height: number;
  path: string;
}

export interface FakePixabayHit {
  id: number;
  duration: number;
  videos: Partial<Record<SizeName, FakePixabayRendition>>;
  /** Found only by queries containing one of these words; by every query when absent. */
  matches?: string[];
  user?: string;
}

/** An answer to serve instead of the search results, for rate limits and outages. */
export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface FakePixabayServer {
  /** Origin of the fake API (what `baseUrl` is set to). */
  baseUrl: string;
  /** Every search request's query parameters, with its arrival time. */
  searches: Array<{ params: Record<string, string>; at: number }>;
  /** Every file download's path. */
  downloads: string[];
  /** Answers served, in order, to the next searches before results are served again. */
  scriptSearchAnswers(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

const sizeNames: SizeName[] = ['large', 'medium', 'small', 'tiny'];

/**
 * A stand-in for pixabay.com speaking its wire format: `GET /api/videos/`
 * with the key in the query string, `hits` with large/medium/small/tiny
 * renditions (empty url and zero size where a rendition is missing), and the
 * files themselves served from loopback urls.
 */
export async function startFakePixabayServer(options: { apiKey: string; hits: FakePixabayHit[] }): Promise<FakePixabayServer> {
  const searches: FakePixabayServer['searches'] = [];
  const downloads: string[] = [];
  const scripted: ScriptedAnswer[] = [];
  let baseUrl = '';

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', baseUrl);
    if (url.pathname.startsWith('/video/')) {
      downloads.push(url.pathname);
      const [, , hitId, fileName] = url.pathname.split('/');
      const hit = options.hits.find((h) => String(h.id) === hitId);
      const rendition = hit?.videos[fileName?.replace('.mp4', '') as SizeName];
      if (!rendition) return void response.writeHead(404).end();
      void stat(rendition.path).then((info) => {
        response.writeHead(200, { 'content-type': 'video/mp4', 'content-length': info.size });
        createReadStream(rendition.path).pipe(response);
      });
      return;
    }
    if (url.pathname !== '/api/videos/') return void response.writeHead(404).end();
    searches.push({ params: Object.fromEntries(url.searchParams), at: Date.now() });
    const answer = scripted.shift();
    if (answer) return void response.writeHead(answer.status, answer.headers).end(answer.body ?? '');
    if (url.searchParams.get('key') !== options.apiKey) {
      return void response.writeHead(400, { 'content-type': 'text/html' }).end('[ERROR 400] Invalid or missing API key');
    }
    const query = (url.searchParams.get('q') ?? '').toLowerCase();
    const page = Number(url.searchParams.get('page') ?? '1');
    const perPage = Number(url.searchParams.get('per_page') ?? '20');
    const found = options.hits.filter((hit) => !hit.matches || hit.matches.some((word) => query.includes(word)));
    const body = {
      total: found.length,
      totalHits: found.length,
      hits: found.slice((page - 1) * perPage, page * perPage).map((hit) => ({
        id: hit.id,
        pageURL: `https://pixabay.com/videos/clip-${hit.id}/`,
        type: 'film',
        tags: (hit.matches ?? ['stock']).join(', '),
        duration: hit.duration,
        videos: Object.fromEntries(
          sizeNames.map((name) => {
            const rendition = hit.videos[name];
            return [
              name,
              rendition
                ? { url: `${baseUrl}/video/${hit.id}/${name}.mp4`, width: rendition.width, height: rendition.height, size: 1000, thumbnail: '' }
                : { url: '', width: 0, height: 0, size: 0, thumbnail: '' },
            ];
          }),
        ),
        views: 1,
        downloads: 1,
        likes: 0,
        comments: 0,
        user_id: 7,
        user: hit.user ?? 'pixabay_user',
        userImageURL: '',
      })),
    };
    response
      .writeHead(200, { 'content-type': 'application/json', 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '99', 'x-ratelimit-reset': '60' })
      .end(JSON.stringify(body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    searches,
    downloads,
    scriptSearchAnswers: (...answers) => scripted.push(...answers),
    async close() {
      if (!server.listening) return;
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
