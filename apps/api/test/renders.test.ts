import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { artifactKey, LocalStorage, S3Storage } from '@fenta/storage';
import { buildApp } from '../src/build-app';
// The S3 stand-in of the test harness: s3rver on loopback, speaking S3's wire format.
import { fakeS3Credentials, startFakeS3Server, type FakeS3Server } from '@fenta/testing';
import { silentLogger, startApiTestbed, type ApiTestbed, type TestCaller } from './api-fixture';
import { makeRender, srt, type MadeRender } from './support/make-render';

const publicUrl = 'https://api.example.test/fenta';

const vtt = 'WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nFish &amp; chips &lt;tonight&gt;\n\n00:00:01.500 --> 00:01:02.050\nA --&gt; B\nsecond line\n\n';

describe('renders', () => {
  let bed: ApiTestbed;
  let dir: string;
  let storage: LocalStorage;
  let alpha: TestCaller;
  let beta: TestCaller;
  let first: MadeRender;
  let second: MadeRender;
  let third: MadeRender;
  let theirs: MadeRender;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'fenta-api-renders-'));
    storage = new LocalStorage(path.join(dir, 'storage'));
    bed = await startApiTestbed({ storage, publicUrl });
    alpha = await bed.newOrg('alpha');
    beta = await bed.newOrg('beta');
    await bed.database.query(`INSERT INTO webhooks (org_id, url, events, secret) VALUES ($1, 'https://hooks.example/x', ARRAY['render.succeeded'], 's')`, [
      alpha.orgId,
    ]);
    first = await makeRender(bed, alpha, storage, publicUrl);
    second = await makeRender(bed, alpha, storage, publicUrl);
    third = await makeRender(bed, alpha, storage, publicUrl);
    theirs = await makeRender(bed, beta, storage, publicUrl);
  });
  afterAll(async () => {
    await bed.close();
    await rm(dir, { recursive: true, force: true });
  });

  const get = (url: string, headers: Record<string, string> = {}, caller = alpha) =>
    bed.app.inject({ method: 'GET', url, headers: { ...caller.headers, ...headers } });
  const errorOf = (response: { json(): unknown }) => (response.json() as { error: Record<string, unknown> }).error;
  const links = (id: string) => ({
    video_url: `${publicUrl}/v1/renders/${id}/video`,
    thumbnail_url: `${publicUrl}/v1/renders/${id}/thumbnail`,
    srt_url: `${publicUrl}/v1/renders/${id}/captions.srt`,
    vtt_url: `${publicUrl}/v1/renders/${id}/captions.vtt`,
  });

  it('writes the download routes into jobs.result, the renders row and the webhook payload, never a storage path', async () => {
    const [job] = await bed.database.query<{ result: unknown }>(`SELECT result FROM jobs WHERE id = $1`, [first.jobId]);
    expect(job!.result).toEqual({ render_id: first.renderId, ...links(first.renderId), duration: 62.05 });
    const [row] = await bed.database.query(`SELECT video_url, thumbnail_url, srt_url FROM renders WHERE id = $1`, [first.renderId]);
    const { vtt_url: _vtt, ...stored } = links(first.renderId);
    expect(row).toEqual(stored);
    const deliveries = await bed.database.query<{ payload: unknown }>(`SELECT payload FROM webhook_deliveries WHERE payload->>'job_id' = $1`, [first.jobId]);
    expect(deliveries).toEqual([{ payload: { event: 'render.succeeded', job_id: first.jobId, org_id: alpha.orgId, result: job!.result } }]);
  });

  it('gets one render: what it measured and its download routes, nothing of where it is stored', async () => {
    const response = await get(`/v1/renders/${first.renderId}`);
    expect(response.statusCode).toBe(200);
    const [row] = await bed.database.query<{ created_at: Date }>(`SELECT created_at FROM renders WHERE id = $1`, [first.renderId]);
    expect(response.json()).toEqual({
      render: {
        id: first.renderId,
        job_id: first.jobId,
        ...links(first.renderId),
        duration_seconds: 62.05,
        width: 720,
        height: 1280,
        fps: 30,
        file_size_bytes: 200_000,
        video_codec: 'h264',
        audio_codec: 'aac',
        bitrate_kbps: 2000,
        profile: '9x16_720p',
        created_at: row!.created_at.toISOString(),
      },
    });
  });

  it("lists the org's renders newest first, page by page, and by job", async () => {
    const page1 = await get('/v1/renders?limit=2');
    expect(page1.statusCode).toBe(200);
    const body1 = page1.json() as { data: Array<{ id: string }>; next_cursor: string };
    expect(body1.data.map((render) => render.id)).toEqual([third.renderId, second.renderId]);
    const page2 = (await get(`/v1/renders?limit=2&cursor=${body1.next_cursor}`)).json() as { data: Array<{ id: string }>; next_cursor: null };
    expect(page2).toEqual({ data: [expect.objectContaining({ id: first.renderId, job_id: first.jobId })], next_cursor: null });

    expect((await get(`/v1/renders?job_id=${second.jobId}`)).json()).toEqual({
      data: [expect.objectContaining({ id: second.renderId, ...links(second.renderId) })],
      next_cursor: null,
    });
    // Another org's job has no render as far as this caller can tell.
    expect((await get(`/v1/renders?job_id=${theirs.jobId}`)).json()).toEqual({ data: [], next_cursor: null });
    expect(((await get('/v1/renders', {}, beta)).json() as { data: Array<{ id: string }> }).data.map((render) => render.id)).toEqual([theirs.renderId]);
  });

  it('refuses a cursor of another list, an unknown filter and a malformed job id, naming what is wrong', async () => {
    const keys = await get('/v1/api-keys?limit=1');
    const cursor =
      (keys.json() as { next_cursor: string | null }).next_cursor ?? Buffer.from(JSON.stringify({ l: 'api-keys', after: 'key_x' })).toString('base64url');
    expect(errorOf(await get(`/v1/renders?cursor=${cursor}`))).toMatchObject({ code: 'CURSOR_INVALID', details: { path: 'querystring.cursor' } });
    expect(errorOf(await get('/v1/renders?status=done'))).toMatchObject({
      code: 'REQUEST_INVALID',
      details: { problems: [{ path: 'querystring.status', message: 'is not allowed' }] },
    });
    expect(errorOf(await get('/v1/renders?job_id=../x'))).toMatchObject({ code: 'REQUEST_INVALID', details: { problems: [{ path: 'querystring.job_id' }] } });
  });

  it("answers another org's render and a missing one with 404 RENDER_NOT_FOUND on every route", async () => {
    for (const id of [theirs.renderId, 'render_0190a2b4-0000-7000-8000-000000000000']) {
      for (const suffix of ['', '/video', '/thumbnail', '/captions.srt', '/captions.vtt']) {
        const response = await get(`/v1/renders/${id}${suffix}`, { range: 'bytes=0-9' });
        expect({ suffix, status: response.statusCode, error: errorOf(response) }).toEqual({
          suffix,
          status: 404,
          error: { code: 'RENDER_NOT_FOUND', message: `Render ${id} not found`, request_id: response.headers['x-request-id'] },
        });
      }
    }
  });

  it('needs jobs:read', async () => {
    const narrow = await bed.member(alpha, 'viewer', ['workflows:read']);
    for (const url of ['/v1/renders', `/v1/renders/${first.renderId}`, `/v1/renders/${first.renderId}/video`]) {
      const response = await get(url, {}, narrow);
      expect(response.statusCode).toBe(403);
      expect(errorOf(response)).toMatchObject({ code: 'SCOPE_MISSING', details: { missing_scope: 'jobs:read' } });
    }
  });

  it('streams the whole video with its type, length, ETag, Last-Modified and Accept-Ranges', async () => {
    const response = await get(`/v1/renders/${first.renderId}/video`);
    expect(response.statusCode).toBe(200);
    expect(response.rawPayload.equals(first.video)).toBe(true);
    expect(response.headers).toMatchObject({
      'content-type': 'video/mp4',
      'content-length': '200000',
      'accept-ranges': 'bytes',
      'cache-control': 'private, no-cache',
      etag: expect.stringMatching(/^"[0-9a-f]+-[0-9a-f]+"$/),
      'last-modified': expect.stringMatching(/ GMT$/),
    });
  });

  it('answers one byte range with 206, Content-Range and exactly those bytes of the stored file', async () => {
    const size = first.video.length;
    const cases: Array<[string, number, number]> = [
      ['bytes=0-0', 0, 0],
      ['bytes=0-1023', 0, 1023],
      ['bytes=1000-', 1000, size - 1],
      ['bytes=-500', size - 500, size - 1],
      ['bytes=-999999', 0, size - 1],
      ['bytes=199990-999999999', 199_990, size - 1],
      [' bytes = 5 - 9 ', 5, 9],
    ];
    for (const [range, start, end] of cases) {
      const response = await get(`/v1/renders/${first.renderId}/video`, { range });
      expect({ range, status: response.statusCode, headers: response.headers }).toMatchObject({
        range,
        status: 206,
        headers: { 'content-range': `bytes ${start}-${end}/${size}`, 'content-length': String(end - start + 1), 'content-type': 'video/mp4' },
      });
      expect(response.rawPayload.equals(first.video.subarray(start, end + 1))).toBe(true);
    }
  });

  it('answers 416 with the size in Content-Range for a range the file does not have', async () => {
    for (const range of ['bytes=200000-', 'bytes=250000-250010', 'bytes=-0']) {
      const response = await get(`/v1/renders/${first.renderId}/video`, { range });
      expect(response.statusCode).toBe(416);
      expect(response.headers['content-range']).toBe('bytes */200000');
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(response.json()).toEqual({
        error: {
          code: 'RANGE_NOT_SATISFIABLE',
          message: `Range ${range} starts beyond the 200000 bytes of the file`,
          details: { size: 200000 },
          request_id: response.headers['x-request-id'],
        },
      });
    }
  });

  it('sends the whole file for a header that is not one valid byte range', async () => {
    for (const range of ['bytes=0-1,5-9', 'items=0-5', 'bytes=9-3', 'bytes=abc', 'bytes=1234567890123456-']) {
      const response = await get(`/v1/renders/${first.renderId}/video`, { range });
      expect({ range, status: response.statusCode }).toEqual({ range, status: 200 });
      expect(response.rawPayload.equals(first.video)).toBe(true);
    }
  });

  it('answers 304 for a current copy, and the whole file when If-Range names another version', async () => {
    const url = `/v1/renders/${first.renderId}/video`;
    const { etag, 'last-modified': lastModified } = (await get(url)).headers as { etag: string; 'last-modified': string };
    const notModified = await get(url, { 'if-none-match': `"other", ${etag}` });
    expect(notModified.statusCode).toBe(304);
    expect(notModified.rawPayload.length).toBe(0);
    expect((await get(url, { 'if-none-match': `W/${etag}` })).statusCode).toBe(304);
    expect((await get(url, { 'if-modified-since': lastModified })).statusCode).toBe(304);
    expect((await get(url, { 'if-none-match': '"other"', 'if-modified-since': lastModified })).statusCode).toBe(200);

    expect((await get(url, { range: 'bytes=0-9', 'if-range': etag })).statusCode).toBe(206);
    expect((await get(url, { range: 'bytes=0-9', 'if-range': lastModified })).statusCode).toBe(206);
    const stale = await get(url, { range: 'bytes=0-9', 'if-range': '"an-older-version"' });
    expect(stale.statusCode).toBe(200);
    expect(stale.rawPayload.equals(first.video)).toBe(true);
  });

  it('answers HEAD with the headers of the download and no body', async () => {
    const head = await bed.app.inject({ method: 'HEAD', url: `/v1/renders/${first.renderId}/video`, headers: { ...alpha.headers, range: 'bytes=10-19' } });
    expect(head.statusCode).toBe(206);
    expect(head.headers).toMatchObject({ 'content-length': '10', 'content-range': 'bytes 10-19/200000', 'accept-ranges': 'bytes' });
    expect(head.rawPayload.length).toBe(0);
  });

  it('serves the thumbnail and the SRT with their types, and the captions as WebVTT converted from the SRT', async () => {
    const thumbnail = await get(`/v1/renders/${first.renderId}/thumbnail`);
    expect(thumbnail.headers['content-type']).toBe('image/jpeg');
    expect(thumbnail.rawPayload.equals(first.thumbnail)).toBe(true);
    const captions = await get(`/v1/renders/${first.renderId}/captions.srt`);
    expect(captions.headers['content-type']).toBe('application/x-subrip; charset=utf-8');
    expect(captions.body).toBe(srt);

    const webVtt = await get(`/v1/renders/${first.renderId}/captions.vtt`);
    expect(webVtt.statusCode).toBe(200);
    expect(webVtt.headers).toMatchObject({
      'content-type': 'text/vtt; charset=utf-8',
      'content-length': String(Buffer.byteLength(vtt)),
      'accept-ranges': 'bytes',
      etag: expect.stringMatching(/^"[A-Za-z0-9_-]{32}"$/),
    });
    expect(webVtt.body).toBe(vtt);
    const part = await get(`/v1/renders/${first.renderId}/captions.vtt`, { range: 'bytes=0-5' });
    expect([part.statusCode, part.body]).toEqual([206, 'WEBVTT']);
    expect((await get(`/v1/renders/${first.renderId}/captions.vtt`, { 'if-none-match': webVtt.headers.etag as string })).statusCode).toBe(304);
  });

  it('answers RENDER_FILE_NOT_FOUND for a file the render does not have, or that storage lost', async () => {
    // A render from before its thumbnail and captions keys were kept.
    const [job] = await bed.database.query<{ id: string }>(`INSERT INTO jobs (org_id, config, status) VALUES ($1, '{}', 'completed') RETURNING id`, [
      alpha.orgId,
    ]);
    const [old] = await bed.database.query<{ id: string }>(
      `INSERT INTO renders (job_id, video_url, video_storage_path) VALUES ($1, 'file:///old/video.mp4', NULL) RETURNING id`,
      [job!.id],
    );
    const view = (await get(`/v1/renders/${old!.id}`)).json() as { render: Record<string, unknown> };
    expect(view.render).toMatchObject({ video_url: `${publicUrl}/v1/renders/${old!.id}/video`, thumbnail_url: null, srt_url: null, vtt_url: null });
    for (const [suffix, file] of [
      ['video', 'video'],
      ['thumbnail', 'thumbnail'],
      ['captions.srt', 'SRT captions'],
      ['captions.vtt', 'WebVTT captions'],
    ]) {
      const response = await get(`/v1/renders/${old!.id}/${suffix}`);
      expect({ suffix, status: response.statusCode, error: errorOf(response) }).toEqual({
        suffix,
        status: 404,
        error: { code: 'RENDER_FILE_NOT_FOUND', message: `Render ${old!.id} has no ${file}`, request_id: response.headers['x-request-id'] },
      });
    }

    const lost = await makeRender(bed, alpha, storage, publicUrl);
    await storage.delete(artifactKey(alpha.orgId, lost.jobId, 'out', 'video.mp4'));
    await storage.delete(artifactKey(alpha.orgId, lost.jobId, 'out', 'captions.srt'));
    expect(errorOf(await get(`/v1/renders/${lost.renderId}/video`))).toMatchObject({ code: 'RENDER_FILE_NOT_FOUND' });
    expect(errorOf(await get(`/v1/renders/${lost.renderId}/captions.vtt`))).toMatchObject({ code: 'RENDER_FILE_NOT_FOUND' });
  });

  describe('on S3', () => {
    let s3: FakeS3Server;
    let s3Storage: S3Storage;
    let app: FastifyInstance;
    let onS3: MadeRender;

    beforeAll(async () => {
      s3 = await startFakeS3Server();
      s3Storage = new S3Storage({ bucket: s3.bucket, region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, ...fakeS3Credentials, prefix: 'api' });
      app = await buildApp({ db: bed.database.db, redis: bed.redis.redis, logger: silentLogger, queues: [], storage: s3Storage, publicUrl });
      onS3 = await makeRender(bed, alpha, s3Storage, publicUrl);
    });
    afterAll(async () => {
      await app.close();
      s3Storage.destroy();
      await s3.close();
    });

    const getS3 = (url: string) => app.inject({ method: 'GET', url, headers: alpha.headers });

    it('redirects a download to a presigned URL good for five minutes, which serves exactly the stored bytes', async () => {
      for (const [suffix, bytes] of [
        ['video', onS3.video],
        ['thumbnail', onS3.thumbnail],
        ['captions.srt', Buffer.from(srt)],
      ] as const) {
        const response = await getS3(`/v1/renders/${onS3.renderId}/${suffix}`);
        expect(response.statusCode).toBe(302);
        expect(response.headers['cache-control']).toBe('no-store');
        const location = new URL(response.headers.location as string);
        expect(location.origin).toBe(s3.endpoint);
        expect(location.pathname).toBe(
          `/${s3.bucket}/api/${artifactKey(alpha.orgId, onS3.jobId, 'out', suffix === 'video' ? 'video.mp4' : suffix === 'thumbnail' ? 'thumbnail.jpg' : 'captions.srt')}`,
        );
        expect(location.searchParams.get('X-Amz-Expires')).toBe('300');
        const fetched = await fetch(location);
        expect(fetched.status).toBe(200);
        expect(Buffer.from(await fetched.arrayBuffer()).equals(bytes)).toBe(true);
      }
    });

    it('streams the WebVTT it converts from the SRT on S3, and says which file S3 lost', async () => {
      const webVtt = await getS3(`/v1/renders/${onS3.renderId}/captions.vtt`);
      expect([webVtt.statusCode, webVtt.headers['content-type'], webVtt.body]).toEqual([200, 'text/vtt; charset=utf-8', vtt]);
      await s3Storage.delete(artifactKey(alpha.orgId, onS3.jobId, 'out', 'thumbnail.jpg'));
      const gone = await getS3(`/v1/renders/${onS3.renderId}/thumbnail`);
      expect([gone.statusCode, errorOf(gone).code]).toEqual([404, 'RENDER_FILE_NOT_FOUND']);
    });
  });
});
