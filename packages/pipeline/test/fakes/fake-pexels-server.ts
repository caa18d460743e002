import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One file of a fake video: its advertised size and the real local file served at its link. */
export interface FakePexelsFile {
  id: number;
  width: number;
  height: number;
  fps?: number;
  quality?: string;
  fileType?: string;
  path: string;
}

export interface FakePexelsVideo {
  id: number;
  duration: number;
  files: FakePexelsFile[];
  /** Found only by queries containing one of these words; by every query when absent. */
  matches?: string[];
  author?: string;
}

/** An answer to serve instead of the search results, for rate limits and outages. */
export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface FakePexelsServer {
  /** Origin of the fake API (what `baseUrl` is set to). */
  baseUrl: string;
  /** Every search request: its query parameters, Authorization header and arrival time. */
  searches: Array<{ params: Record<string, string>; authorization: string | undefined; at: number }>;
  /** Every file download: path and whether it carried an Authorization header. */
  downloads: Array<{ path: string; authorization: string | undefined }>;
  /** Answers served, in order, to the next searches before results are served again. */
  scriptSearchAnswers(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

/**
 * A stand-in for api.pexels.com speaking its wire format: `GET
 * /videos/search` with the key in `Authorization`, paged results, and the
 * video files themselves served from loopback links.
 */
export async function startFakePexelsServer(options: { apiKey: string; videos: FakePexelsVideo[] }): Promise<FakePexelsServer> {
  const searches: FakePexelsServer['searches'] = [];
  const downloads: FakePexelsServer['downloads'] = [];
  const scripted: ScriptedAnswer[] = [];
  let baseUrl = '';

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', baseUrl);
    if (url.pathname.startsWith('/video-files/')) {
      downloads.push({ path: url.pathname, authorization: request.headers.authorization });
      const [, , videoId, fileName] = url.pathname.split('/');
      const video = options.videos.find((v) => String(v.id) === videoId);
      const file = video?.files.find((f) => `${f.id}.mp4` === fileName);
      if (!file) return void response.writeHead(404).end();
      void stat(file.path).then((info) => {
        response.writeHead(200, { 'content-type': 'video/mp4', 'content-length': info.size });
        createReadStream(file.path).pipe(response);
      });
      return;
    }
    if (url.pathname !== '/videos/search') return void response.writeHead(404).end();
    searches.push({ params: Object.fromEntries(url.searchParams), authorization: request.headers.authorization, at: Date.now() });
    const answer = scripted.shift();
    if (answer) return void response.writeHead(answer.status, answer.headers).end(answer.body ?? '');
    if (request.headers.authorization !== options.apiKey) {
      return void response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Unauthorized' }));
    }
    const query = (url.searchParams.get('query') ?? '').toLowerCase();
    const page = Number(url.searchParams.get('page') ?? '1');
    const perPage = Number(url.searchParams.get('per_page') ?? '15');
    const found = options.videos.filter((video) => !video.matches || video.matches.some((word) => query.includes(word)));
    const slice = found.slice((page - 1) * perPage, page * perPage);
    const body = {
      page,
      per_page: perPage,
      total_results: found.length,
      url: `https://www.pexels.com/search/videos/${encodeURIComponent(query)}/`,
      videos: slice.map((video) => ({
        id: video.id,
        width: video.files[0]?.width ?? 0,
        height: video.files[0]?.height ?? 0,
        duration: video.duration,
        full_res: null,
        tags: [],
        url: `https://www.pexels.com/video/clip-${video.id}/`,
        image: `https://images.pexels.com/videos/${video.id}/pictures/preview-0.jpg`,
        avg_color: null,
        user: { id: 1, name: video.author ?? 'Pexels Author', url: 'https://www.pexels.com/@author' },
        video_files: video.files.map((file) => ({
          id: file.id,
          quality: file.quality ?? 'hd',
          file_type: file.fileType ?? 'video/mp4',
          width: file.width,
          height: file.height,
          fps: file.fps ?? 30,
          link: `${baseUrl}/video-files/${video.id}/${file.id}.mp4`,
        })),
        video_pictures: [],
      })),
      ...(page * perPage < found.length ? { next_page: `${baseUrl}/videos/search?page=${page + 1}` } : {}),
    };
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
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
