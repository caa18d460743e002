import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalStorage } from '@fenta/storage';
import { startApiTestbed, type ApiTestbed, type TestCaller } from './api-fixture';
import { makeTestMedia, multipartForm, type FormPart, type TestMedia } from './asset-media';

/** Every file under `dir`, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}

const maxBytes = 60_000;

describe('assets over HTTP', () => {
  let bed: ApiTestbed;
  let root: string;
  let storageRoot: string;
  let tempDir: string;
  let media: TestMedia;
  let owner: TestCaller;
  let editor: TestCaller;
  let viewer: TestCaller;
  let other: TestCaller;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'fenta-assets-'));
    storageRoot = path.join(root, 'storage');
    tempDir = path.join(root, 'uploads');
    media = await makeTestMedia(root);
    bed = await startApiTestbed({ storage: new LocalStorage(storageRoot), uploads: { maxBytes, tempDir } });
    owner = await bed.newOrg('assets');
    editor = await bed.member(owner, 'editor');
    viewer = await bed.member(owner, 'viewer');
    other = await bed.newOrg('others');
  });
  afterAll(async () => {
    await bed.close();
    await rm(root, { recursive: true, force: true });
  });

  const file = async (filePath: string, contentType: string, filename = path.basename(filePath)): Promise<FormPart> => ({
    name: 'file',
    filename,
    contentType,
    content: await readFile(filePath),
  });
  const upload = (caller: TestCaller, parts: FormPart[], url = '/v1/assets') => {
    const form = multipartForm(parts);
    return bed.app.inject({ method: 'POST', url, headers: { ...caller.headers, ...form.headers, 'user-agent': 'assets-test/1' }, payload: form.payload });
  };
  const errorOf = (response: { json(): unknown }) => (response.json() as { error: { code: string; message: string; details?: unknown } }).error;
  const assetRows = (orgId: string) => bed.database.query(`SELECT id FROM assets WHERE org_id = $1`, [orgId]);
  /** Nothing of a refused upload is left: no row, no stored file, no temp file. */
  const expectNothingLeft = async (orgId: string, before: { rows: number; files: string[] }) => {
    expect((await assetRows(orgId)).length).toBe(before.rows);
    expect(await filesUnder(storageRoot)).toEqual(before.files);
    expect(await filesUnder(tempDir)).toEqual([]);
  };
  const snapshot = async (orgId: string) => ({ rows: (await assetRows(orgId)).length, files: await filesUnder(storageRoot) });

  it('uploads a video: probes it, stores it under its id, registers version 1, audits it', async () => {
    const response = await upload(editor, [
      { name: 'tags', value: 'Beach' },
      await file(media.mp4, 'video/mp4', 'C:\\clips\\summer/beach day.mp4'),
      { name: 'tags', value: 'sunset' },
      { name: 'tags', value: 'beach' },
    ]);
    expect(response.statusCode).toBe(201);
    const { asset } = response.json() as { asset: Record<string, unknown> & { id: string } };
    const key = `orgs/${owner.orgId}/assets/${asset.id}/v1.mp4`;
    expect(asset).toEqual({
      id: expect.stringMatching(/^asset_[0-9a-f-]{36}$/),
      name: 'beach day.mp4',
      type: 'video',
      content_type: 'video/mp4',
      status: 'ready',
      storage_key: key,
      size_bytes: (await readFile(media.mp4)).length,
      duration_seconds: 1,
      width: 64,
      height: 36,
      fps: 25,
      codec: 'h264',
      tags: ['beach', 'sunset'],
      created_by: editor.userId,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      deleted_at: null,
    });
    expect(await readFile(path.join(storageRoot, key))).toEqual(await readFile(media.mp4));
    expect(await filesUnder(tempDir)).toEqual([]);

    const [row] = await bed.database.query(`SELECT source, storage_provider, metadata FROM assets WHERE id = $1`, [asset.id]);
    expect(row).toEqual({ source: 'upload', storage_provider: 'local', metadata: { tags: ['beach', 'sunset'] } });
    expect(await bed.database.query(`SELECT version, storage_key, metadata FROM asset_versions WHERE asset_id = $1`, [asset.id])).toEqual([
      {
        version: 1,
        storage_key: key,
        metadata: {
          filename: 'beach day.mp4',
          content_type: 'video/mp4',
          format: 'mov,mp4,m4a,3gp,3g2,mj2',
          size_bytes: asset.size_bytes,
          duration_seconds: 1,
          width: 64,
          height: 36,
          fps: 25,
          codec: 'h264',
        },
      },
    ]);
    const audits = await bed.database.query<{ user_id: string; action: string; changes: { after: unknown }; user_agent: string }>(
      `SELECT user_id, action, changes, user_agent FROM audit_logs WHERE resource_type = 'asset' AND resource_id = $1`,
      [asset.id],
    );
    expect(audits).toEqual([{ user_id: editor.userId, action: 'create', changes: { after: asset }, user_agent: 'assets-test/1' }]);
  });

  it('probes audio and images with their own measures', async () => {
    const audio = await upload(owner, [await file(media.mp3, 'audio/mpeg'), { name: 'name', value: 'Jingle' }]);
    expect(audio.statusCode).toBe(201);
    expect((audio.json() as { asset: unknown }).asset).toMatchObject({
      name: 'Jingle',
      type: 'audio',
      content_type: 'audio/mpeg',
      duration_seconds: 1.04,
      width: null,
      height: null,
      fps: null,
      codec: 'mp3',
      tags: [],
    });
    const image = await upload(owner, [await file(media.png, 'image/png')]);
    expect(image.statusCode).toBe(201);
    expect((image.json() as { asset: { id: string } }).asset).toMatchObject({
      name: 'still.png',
      type: 'image',
      content_type: 'image/png',
      duration_seconds: null,
      width: 64,
      height: 36,
      fps: null,
      codec: 'png',
      storage_key: expect.stringMatching(/\/v1\.png$/),
    });
  });

  it('refuses a file over FENTA_ASSET_MAX_BYTES with 413, keeping nothing', async () => {
    const before = await snapshot(owner.orgId);
    const response = await upload(owner, [{ name: 'tags', value: 'big' }, await file(media.wav, 'audio/wav')]);
    expect(response.statusCode).toBe(413);
    expect(errorOf(response)).toEqual({
      code: 'ASSET_TOO_LARGE',
      message: `The uploaded file is larger than ${maxBytes} bytes`,
      details: { limit_bytes: maxBytes },
      request_id: response.headers['x-request-id'],
    });
    await expectNothingLeft(owner.orgId, before);
  });

  it('refuses a type not on the list with 415, before storing anything', async () => {
    const before = await snapshot(owner.orgId);
    const response = await upload(owner, [await file(media.text, 'text/plain')]);
    expect(response.statusCode).toBe(415);
    expect(errorOf(response)).toMatchObject({
      code: 'ASSET_CONTENT_TYPE_UNSUPPORTED',
      message: expect.stringMatching(/^Files of type "text\/plain" cannot be uploaded; send one of video\/mp4, video\/quicktime, video\/webm, audio\/mpeg, /),
      details: { content_type: 'text/plain', allowed: expect.arrayContaining(['video/mp4', 'image/webp']) },
    });
    await expectNothingLeft(owner.orgId, before);
  });

  it('refuses a lying content type and a file that is not media with 422, keeping nothing', async () => {
    const before = await snapshot(owner.orgId);
    const imageAsVideo = await upload(owner, [await file(media.png, 'video/mp4', 'clip.mp4')]);
    expect(imageAsVideo.statusCode).toBe(422);
    expect(errorOf(imageAsVideo)).toEqual({
      code: 'ASSET_TYPE_MISMATCH',
      message: 'The uploaded file was declared video/mp4 but is an image file (ffprobe format png_pipe)',
      details: { declared: 'video/mp4', found: { type: 'image', format: 'png_pipe' } },
      request_id: imageAsVideo.headers['x-request-id'],
    });
    const videoAsAudio = await upload(owner, [await file(media.mp4, 'audio/mp4')]);
    expect(errorOf(videoAsAudio)).toMatchObject({ code: 'ASSET_TYPE_MISMATCH', details: { found: { type: 'video' } } });
    const audioAsWebm = await upload(owner, [await file(media.mp3, 'audio/wav')]);
    expect(errorOf(audioAsWebm)).toMatchObject({
      code: 'ASSET_TYPE_MISMATCH',
      message: 'The uploaded file was declared audio/wav but is an audio file (ffprobe format mp3)',
    });
    const text = await upload(owner, [await file(media.text, 'video/mp4')]);
    expect(text.statusCode).toBe(422);
    expect(errorOf(text)).toEqual({
      code: 'ASSET_NOT_MEDIA',
      message: 'The uploaded file is not media ffprobe can read as video/mp4: ffprobe found no media it reads in it',
      request_id: text.headers['x-request-id'],
    });
    await expectNothingLeft(owner.orgId, before);
  });

  it('names the field of a bad form with 400', async () => {
    const before = await snapshot(owner.orgId);
    const cases: Array<[FormPart[], string, string]> = [
      [[{ name: 'tags', value: 'beach' }], 'body.file', 'is required: the media file to upload'],
      [
        [await file(media.mp4, 'video/mp4'), { name: 'tags', value: '../etc' }],
        'body.tags[0]',
        expect.stringContaining('must be 1 to 50 letters') as unknown as string,
      ],
      [[await file(media.mp4, 'video/mp4'), { name: 'owner', value: 'me' }], 'body.owner', 'is not a field of an upload (file, name, tags)'],
      [[await file(media.mp4, 'video/mp4'), { name: 'name', value: 'a/b.mp4' }], 'body.name', 'must be a plain name: no "/", "\\" or control characters'],
      [[await file(media.mp4, 'video/mp4'), await file(media.mp4, 'video/mp4')], 'body.file', 'must be given once: an upload is one file'],
      [
        [{ name: 'picture', filename: 'x.png', contentType: 'image/png', content: Buffer.from('x') }],
        'body.picture',
        'is not a field of an upload: send the file as "file"',
      ],
    ];
    for (const [parts, fieldPath, message] of cases) {
      const response = await upload(owner, parts);
      expect([response.statusCode, errorOf(response)]).toEqual([
        400,
        expect.objectContaining({ code: 'REQUEST_INVALID', details: { problems: [{ path: fieldPath, message }] } }),
      ]);
    }
    const json = await bed.app.inject({ method: 'POST', url: '/v1/assets', headers: owner.headers, payload: { file: 'x' } });
    expect(json.statusCode).toBe(400);
    expect(errorOf(json).details).toEqual({
      problems: [{ path: 'body', message: 'must be multipart/form-data: a "file" part, and optional "name" and "tags" fields' }],
    });
    await expectNothingLeft(owner.orgId, before);
  });

  it('refuses uploads, changes and deletions by a viewer, who still reads', async () => {
    const before = await snapshot(owner.orgId);
    const response = await upload(viewer, [await file(media.mp4, 'video/mp4')]);
    expect(response.statusCode).toBe(403);
    expect(errorOf(response)).toMatchObject({ code: 'SCOPE_MISSING', details: { missing_scope: 'assets:write', role: 'viewer' } });
    const [first] = (await assetRows(owner.orgId)) as Array<{ id: string }>;
    const patch = await bed.app.inject({ method: 'PATCH', url: `/v1/assets/${first!.id}`, headers: viewer.headers, payload: { name: 'x' } });
    expect(errorOf(patch).code).toBe('SCOPE_MISSING');
    const remove = await bed.app.inject({ method: 'DELETE', url: `/v1/assets/${first!.id}`, headers: viewer.headers });
    expect(errorOf(remove).code).toBe('SCOPE_MISSING');
    expect((await bed.app.inject({ method: 'GET', url: `/v1/assets/${first!.id}`, headers: viewer.headers })).statusCode).toBe(200);
    await expectNothingLeft(owner.orgId, before);
  });

  describe('reading, changing and deleting', () => {
    let video: string;
    let audio: string;
    let image: string;

    beforeAll(async () => {
      const made = async (parts: FormPart[]) => ((await upload(owner, parts)).json() as { asset: { id: string } }).asset.id;
      video = await made([await file(media.mp4, 'video/mp4'), { name: 'tags', value: 'city' }, { name: 'tags', value: 'night' }]);
      audio = await made([await file(media.mp3, 'audio/mpeg'), { name: 'tags', value: 'city' }]);
      image = await made([await file(media.png, 'image/png'), { name: 'tags', value: 'logo' }]);
    });

    const list = async (query: string, caller = owner) => {
      const response = await bed.app.inject({ method: 'GET', url: `/v1/assets${query}`, headers: caller.headers });
      expect(response.statusCode).toBe(200);
      return response.json() as { data: Array<{ id: string }>; next_cursor: string | null };
    };

    it('lists newest first, by type and by tag, a page at a time', async () => {
      expect((await list('?tag=city')).data.map((asset) => asset.id)).toEqual([audio, video]);
      expect((await list('?tag=CITY&type=video')).data.map((asset) => asset.id)).toEqual([video]);
      expect((await list('?type=image&tag=logo')).data.map((asset) => asset.id)).toEqual([image]);
      const first = await list('?limit=2');
      expect(first.data.map((asset) => asset.id)).toEqual([image, audio]);
      const second = await list(`?limit=2&cursor=${first.next_cursor}`);
      expect(second.data[0]!.id).toBe(video);
      expect((await list('', other)).data).toEqual([]);
      const bad = await bed.app.inject({ method: 'GET', url: '/v1/assets?type=document', headers: owner.headers });
      expect(errorOf(bad)).toMatchObject({
        code: 'REQUEST_INVALID',
        details: { problems: [{ path: 'querystring.type', message: 'must be one of: video, audio, image' }] },
      });
    });

    it('reads one asset with its versions', async () => {
      const response = await bed.app.inject({ method: 'GET', url: `/v1/assets/${video}`, headers: owner.headers });
      expect(response.statusCode).toBe(200);
      const body = response.json() as { asset: { id: string; tags: string[] }; versions: unknown[] };
      expect(body.asset).toMatchObject({ id: video, tags: ['city', 'night'] });
      expect(body.versions).toEqual([
        {
          id: expect.stringMatching(/^aver_/),
          version: 1,
          storage_key: `orgs/${owner.orgId}/assets/${video}/v1.mp4`,
          content_type: 'video/mp4',
          size_bytes: (await readFile(media.mp4)).length,
          created_at: expect.any(String),
        },
      ]);
    });

    it('renames and retags, audited with before and after', async () => {
      const response = await bed.app.inject({
        method: 'PATCH',
        url: `/v1/assets/${video}`,
        headers: editor.headers,
        payload: { name: 'Night city', tags: ['Skyline'] },
      });
      expect(response.statusCode).toBe(200);
      expect((response.json() as { asset: unknown }).asset).toMatchObject({ id: video, name: 'Night city', tags: ['skyline'], type: 'video', width: 64 });
      const [audit] = await bed.database.query<{ changes: { before: { name: string }; after: { name: string; tags: string[] } } }>(
        `SELECT changes FROM audit_logs WHERE resource_id = $1 AND action = 'update'`,
        [video],
      );
      expect([audit!.changes.before.name, audit!.changes.after.name, audit!.changes.after.tags]).toEqual(['clip.mp4', 'Night city', ['skyline']]);
      const unknownField = await bed.app.inject({ method: 'PATCH', url: `/v1/assets/${video}`, headers: owner.headers, payload: { storage_key: 'orgs/x/y' } });
      expect(errorOf(unknownField)).toMatchObject({
        code: 'REQUEST_INVALID',
        details: { problems: [{ path: 'body.storage_key', message: 'is not allowed' }] },
      });
      const badTag = await bed.app.inject({ method: 'PATCH', url: `/v1/assets/${video}`, headers: owner.headers, payload: { tags: ['ok', ''] } });
      expect(errorOf(badTag)).toMatchObject({ code: 'REQUEST_INVALID', details: { problems: [expect.objectContaining({ path: 'body.tags[1]' })] } });
    });

    it("answers another org's asset exactly like a missing one", async () => {
      const missing = 'asset_00000000-0000-7000-8000-000000000000';
      for (const id of [video, missing]) {
        const requests = [
          bed.app.inject({ method: 'GET', url: `/v1/assets/${id}`, headers: other.headers }),
          bed.app.inject({ method: 'PATCH', url: `/v1/assets/${id}`, headers: other.headers, payload: { name: 'mine' } }),
          bed.app.inject({ method: 'DELETE', url: `/v1/assets/${id}`, headers: other.headers }),
          upload(other, [await file(media.mp4, 'video/mp4')], `/v1/assets/${id}/versions`),
        ];
        for (const response of await Promise.all(requests)) {
          expect([response.statusCode, errorOf(response)]).toEqual([
            404,
            { code: 'ASSET_NOT_FOUND', message: `Asset ${id} not found`, request_id: response.headers['x-request-id'] },
          ]);
        }
      }
      expect(await filesUnder(path.join(storageRoot, 'orgs', other.orgId))).toEqual([]);
    });

    it('adds a version of the same kind, which the asset then points at', async () => {
      const response = await upload(editor, [await file(media.mp4, 'video/quicktime', 'take2.mov')], `/v1/assets/${video}/versions`);
      expect(response.statusCode).toBe(201);
      const body = response.json() as { asset: Record<string, unknown>; version: Record<string, unknown> };
      expect(body.version).toMatchObject({ version: 2, storage_key: `orgs/${owner.orgId}/assets/${video}/v2.mov`, content_type: 'video/quicktime' });
      expect(body.asset).toMatchObject({
        id: video,
        name: 'Night city',
        storage_key: `orgs/${owner.orgId}/assets/${video}/v2.mov`,
        content_type: 'video/quicktime',
      });
      expect(await filesUnder(path.join(storageRoot, 'orgs', owner.orgId, 'assets', video))).toEqual(expect.arrayContaining(['v1.mp4', 'v2.mov']));

      const before = await filesUnder(storageRoot);
      const wrongKind = await upload(editor, [await file(media.mp3, 'audio/mpeg')], `/v1/assets/${video}/versions`);
      expect(wrongKind.statusCode).toBe(422);
      expect(errorOf(wrongKind)).toMatchObject({
        code: 'ASSET_TYPE_MISMATCH',
        message: 'The uploaded file was declared a new version of a video asset but is an audio file',
      });
      expect(await filesUnder(storageRoot)).toEqual(before);
      expect(await bed.database.query(`SELECT version FROM asset_versions WHERE asset_id = $1 ORDER BY version`, [video])).toEqual([
        { version: 1 },
        { version: 2 },
      ]);
    });

    it('soft-deletes: the asset is gone from the API, its file stays', async () => {
      const response = await bed.app.inject({ method: 'DELETE', url: `/v1/assets/${image}`, headers: editor.headers });
      expect(response.statusCode).toBe(200);
      expect((response.json() as { asset: { deleted_at: string | null } }).asset.deleted_at).toEqual(expect.any(String));
      expect(errorOf(await bed.app.inject({ method: 'GET', url: `/v1/assets/${image}`, headers: owner.headers })).code).toBe('ASSET_NOT_FOUND');
      expect(errorOf(await bed.app.inject({ method: 'DELETE', url: `/v1/assets/${image}`, headers: owner.headers })).code).toBe('ASSET_NOT_FOUND');
      expect((await list('?type=image&tag=logo')).data).toEqual([]);
      expect(await filesUnder(path.join(storageRoot, 'orgs', owner.orgId, 'assets', image))).toEqual(['v1.png', 'v1.png.type']);
    });
  });
});
