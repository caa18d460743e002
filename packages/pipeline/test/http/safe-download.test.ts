import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FentaError } from '@fenta/core';
import { safeDownload } from '../../src/providers/http/safe-download';

type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

interface TestServer {
  url: string;
  port: number;
  requests: http.IncomingMessage[];
  close(): Promise<void>;
}

async function startServer(handler: Handler): Promise<TestServer> {
  const requests: http.IncomingMessage[] = [];
  const server = http.createServer((request, response) => {
    requests.push(request);
    handler(request, response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

const body = Buffer.alloc(64 * 1024, 7);
const testPolicy = { allowAddresses: ['127.0.0.1'] };
const options = { maxBytes: 1024 * 1024, policy: testPolicy, timeoutMs: 5000 };

let dir: string;
let dest: string;
let servers: TestServer[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'safe-download-'));
  dest = path.join(dir, 'file.bin');
});

afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
  await rm(dir, { recursive: true, force: true });
});

async function serve(handler: Handler): Promise<TestServer> {
  const server = await startServer(handler);
  servers.push(server);
  return server;
}

async function failure(promise: Promise<unknown>): Promise<FentaError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof FentaError)) throw new Error(`expected a FentaError, got ${String(error)}`);
  return error;
}

describe('safeDownload', () => {
  it('downloads a file from an allowed address with the headers given', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'video/mp4', 'content-length': body.length });
      response.end(body);
    });
    const result = await safeDownload(`${server.url}/clip.mp4?token=secret`, dest, { ...options, headers: { authorization: 'k-1' } });
    expect(result).toEqual({ bytes: body.length, contentType: 'video/mp4', finalUrl: `${server.url}/clip.mp4` });
    expect(await readFile(dest)).toEqual(body);
    expect(server.requests[0]?.headers.authorization).toBe('k-1');
  });

  it('resolves a name, checks its address and connects to that address with the name as Host', async () => {
    const server = await serve((_request, response) => response.end(body));
    const result = await safeDownload(`http://localhost:${server.port}/named`, dest, options);
    expect(result.bytes).toBe(body.length);
    expect(server.requests[0]?.headers.host).toBe(`localhost:${server.port}`);
  });

  describe('refuses loopback under the default policy, before any connection', () => {
    let server: TestServer;
    beforeEach(async () => {
      server = await serve((_request, response) => response.end('reached'));
    });

    it.each([
      ['127.0.0.1', (port: number) => `http://127.0.0.1:${port}/`, '127.0.0.1, a loopback address'],
      ['decimal 2130706433', (port: number) => `http://2130706433:${port}/`, '127.0.0.1, a loopback address'],
      ['hex 0x7f000001', (port: number) => `http://0x7f000001:${port}/`, '127.0.0.1, a loopback address'],
      ['octal 0177.0.0.1', (port: number) => `http://0177.0.0.1:${port}/`, '127.0.0.1, a loopback address'],
      ['IPv4-mapped [::ffff:127.0.0.1]', (port: number) => `http://[::ffff:127.0.0.1]:${port}/`, '127.0.0.1, a loopback address'],
      ['localhost', (port: number) => `http://localhost:${port}/`, 'localhost resolves to 127.0.0.1, a loopback address'],
    ])('%s', async (_name, makeUrl, reason) => {
      const error = await failure(safeDownload(makeUrl(server.port), dest, { ...options, policy: {} }));
      expect(error.code).toBe('URL_NOT_ALLOWED');
      expect(error.params.reason).toBe(reason);
      expect(server.requests).toHaveLength(0);
      expect(existsSync(dest)).toBe(false);
    });
  });

  it('refuses schemes other than http and https', async () => {
    const error = await failure(safeDownload('file:///etc/passwd', dest, options));
    expect(error.code).toBe('URL_NOT_ALLOWED');
    expect(error.message).toBe('URL file:///etc/passwd is not allowed: scheme file: is not http or https');
  });

  it('refuses a redirect from an allowed server to an address the policy refuses', async () => {
    const target = await serve((_request, response) => response.end('reached'));
    const first = await serve((_request, response) => {
      response.writeHead(302, { location: `http://127.0.0.2:${target.port}/inside` });
      response.end();
    });
    const error = await failure(safeDownload(`${first.url}/start`, dest, options));
    expect(error.code).toBe('URL_NOT_ALLOWED');
    expect(error.message).toBe(`URL http://127.0.0.2:${target.port}/inside is not allowed: 127.0.0.2, a loopback address`);
    expect(first.requests).toHaveLength(1);
    expect(target.requests).toHaveLength(0);
  });

  it('refuses a redirect to a refused scheme', async () => {
    const first = await serve((_request, response) => {
      response.writeHead(301, { location: 'file:///etc/passwd' });
      response.end();
    });
    const error = await failure(safeDownload(`${first.url}/start`, dest, options));
    expect(error.code).toBe('URL_NOT_ALLOWED');
  });

  it('follows allowed redirects, re-checking each hop, and keeps credentials at the first origin', async () => {
    const target = await serve((_request, response) => response.end(body));
    const first = await serve((request, response) => {
      if (request.url === '/a') response.writeHead(302, { location: '/b' }).end();
      else response.writeHead(307, { location: `${target.url}/c` }).end();
    });
    const result = await safeDownload(`${first.url}/a`, dest, { ...options, headers: { authorization: 'k-1' } });
    expect(result.bytes).toBe(body.length);
    expect(result.finalUrl).toBe(`${target.url}/c`);
    expect(first.requests.map((request) => [request.url, request.headers.authorization])).toEqual([
      ['/a', 'k-1'],
      ['/b', 'k-1'],
    ]);
    expect(target.requests.map((request) => [request.url, request.headers.authorization])).toEqual([['/c', undefined]]);
  });

  it('stops after 5 redirects', async () => {
    const server = await serve((request, response) => {
      const n = Number(request.url?.slice(1));
      response.writeHead(302, { location: `/${n + 1}` }).end();
    });
    const error = await failure(safeDownload(`${server.url}/0`, dest, options));
    // A redirect loop answers the same on every try: not retryable.
    expect(error.code).toBe('PROVIDER_REQUEST_REFUSED');
    expect(error.retryable).toBe(false);
    expect(error.params.reason).toBe(`more than 5 redirects from ${server.url}/0`);
    expect(server.requests.map((request) => request.url)).toEqual(['/0', '/1', '/2', '/3', '/4', '/5']);
  });

  it('refuses a file whose Content-Length exceeds the limit without writing it', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': body.length });
      response.end(body);
    });
    const error = await failure(safeDownload(`${server.url}/big`, dest, { ...options, maxBytes: body.length - 1 }));
    expect(error.code).toBe('DOWNLOAD_TOO_LARGE');
    expect(error.message).toBe(`Download from 127.0.0.1:${server.port} exceeds the limit of ${body.length - 1} bytes`);
    expect(existsSync(dest)).toBe(false);
  });

  it('stops a streamed file without Content-Length at the limit and deletes the partial file', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'video/mp4' });
      // Chunked: the size is only known by counting.
      for (let i = 0; i < 8; i += 1) response.write(body);
      response.end();
    });
    const error = await failure(safeDownload(`${server.url}/stream`, dest, { ...options, maxBytes: 3 * body.length }));
    expect(error.code).toBe('DOWNLOAD_TOO_LARGE');
    expect(error.params.limitBytes).toBe(3 * body.length);
    expect(existsSync(dest)).toBe(false);
  });

  it('accepts a file of exactly the limit', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, {});
      response.end(body);
    });
    const result = await safeDownload(`${server.url}/exact`, dest, { ...options, maxBytes: body.length });
    expect(result.bytes).toBe(body.length);
  });

  // One request per download: the status says whether another try may help, and only the node's policy retries.
  it.each([503, 500, 408, 429])('reports a %i as the retryable PROVIDER_ERROR naming the provider, after one request', async (status) => {
    const server = await serve((_request, response) => response.writeHead(status).end('busy'));
    const error = await failure(safeDownload(`${server.url}/x?key=hidden`, dest, { ...options, provider: 'pexels' }));
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`Provider pexels answered ${status}: download of ${server.url}/x failed`);
    expect(server.requests).toHaveLength(1);
    expect(existsSync(dest)).toBe(false);
  });

  it.each([404, 403, 401, 410])('reports a %i as PROVIDER_REQUEST_REFUSED, not retryable, after one request', async (status) => {
    const server = await serve((_request, response) => response.writeHead(status).end('no'));
    const error = await failure(safeDownload(`${server.url}/x?key=hidden`, dest, { ...options, provider: 'pixabay' }));
    expect(error.code).toBe('PROVIDER_REQUEST_REFUSED');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(`Provider pixabay refused the request (${status}): download of ${server.url}/x failed`);
    expect(error.message).not.toContain('hidden');
    expect(server.requests).toHaveLength(1);
    expect(existsSync(dest)).toBe(false);
  });

  it('reports a refused connection as the retryable PROVIDER_ERROR status connection-failed', async () => {
    const server = await serve((_request, response) => response.end(body));
    const { url } = server;
    await server.close();
    servers = servers.filter((s) => s !== server);
    const error = await failure(safeDownload(`${url}/gone`, dest, options));
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.retryable).toBe(true);
    expect(error.params.status).toBe('connection-failed');
    expect(existsSync(dest)).toBe(false);
  });

  it('times out a server that stops sending', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': body.length * 2 });
      response.write(body);
    });
    const error = await failure(safeDownload(`${server.url}/stall`, dest, { ...options, timeoutMs: 200 }));
    expect(error.code).toBe('PROVIDER_ERROR');
    expect(error.retryable).toBe(true);
    expect(error.params.status).toBe('timeout');
    expect(existsSync(dest)).toBe(false);
  });

  it('stops when the signal aborts and rethrows its reason', async () => {
    const abort = new AbortController();
    const server = await serve((_request, response) => {
      response.writeHead(200, {});
      response.write(body, () => abort.abort(new Error('cancelled')));
    });
    await expect(safeDownload(`${server.url}/slow`, dest, { ...options, signal: abort.signal })).rejects.toThrow('cancelled');
    expect(existsSync(dest)).toBe(false);
  });
});
