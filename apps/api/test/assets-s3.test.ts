import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createStorage, type S3Storage, type Storage } from '@fenta/storage';
import { fakeS3Credentials, startFakeS3Server, type FakeS3Server } from '@fenta/testing';
import { readApiEnv } from '../src/env';
import { startApiTestbed, type ApiTestbed, type TestCaller } from './api-fixture';
import { makeTestMedia, multipartForm, type TestMedia } from './asset-media';

/** Uploads to S3 storage (an S3 wire-format server on loopback), configured from the environment as main.ts does. */
describe('assets on S3 storage', () => {
  let server: FakeS3Server;
  let storage: Storage;
  let bed: ApiTestbed;
  let root: string;
  let media: TestMedia;
  let owner: TestCaller;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'fenta-assets-s3-'));
    media = await makeTestMedia(root);
    server = await startFakeS3Server();
    const env = readApiEnv({
      DATABASE_URL: 'postgres://unused.invalid/fenta',
      REDIS_URL: 'redis://unused.invalid',
      S3_BUCKET: server.bucket,
      S3_ENDPOINT: server.endpoint,
      S3_ACCESS_KEY_ID: fakeS3Credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: fakeS3Credentials.secretAccessKey,
      S3_PREFIX: 'fenta/test',
      FENTA_ASSET_MAX_BYTES: '60000',
      FENTA_TEMP_DIR: path.join(root, 'uploads'),
    });
    expect(env.storage).toMatchObject({ driver: 's3', bucket: server.bucket, prefix: 'fenta/test', forcePathStyle: true });
    expect(env.FENTA_ASSET_MAX_BYTES).toBe(60_000);
    storage = createStorage(env.storage);
    bed = await startApiTestbed({ storage, uploads: { maxBytes: env.FENTA_ASSET_MAX_BYTES, tempDir: env.FENTA_TEMP_DIR } });
    owner = await bed.newOrg('s3');
  });
  afterAll(async () => {
    await bed.close();
    (storage as S3Storage).destroy();
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  const upload = async (filePath: string, contentType: string) => {
    const form = multipartForm([{ name: 'file', filename: path.basename(filePath), contentType, content: await readFile(filePath) }]);
    return bed.app.inject({ method: 'POST', url: '/v1/assets', headers: { ...owner.headers, ...form.headers }, payload: form.payload });
  };

  it('stores an upload in the bucket under the asset id, and records the driver', async () => {
    server.requests.length = 0;
    const response = await upload(media.mp4, 'video/mp4');
    expect(response.statusCode).toBe(201);
    const { asset } = response.json() as { asset: { id: string; storage_key: string; size_bytes: number } };
    expect(asset.storage_key).toBe(`orgs/${owner.orgId}/assets/${asset.id}/v1.mp4`);
    expect(await storage.stat(asset.storage_key)).toEqual({ key: asset.storage_key, bytes: asset.size_bytes, contentType: 'video/mp4' });
    expect(await storage.getBytes(asset.storage_key)).toEqual(await readFile(media.mp4));
    expect(server.requests).toContain(`PUT /${server.bucket}/fenta/test/${asset.storage_key}?x-id=PutObject`);
    const [row] = await bed.database.query(`SELECT storage_provider, status FROM assets WHERE id = $1`, [asset.id]);
    expect(row).toEqual({ storage_provider: 's3', status: 'ready' });
  });

  it('sends nothing to the bucket for an upload it refuses', async () => {
    server.requests.length = 0;
    expect((await upload(media.text, 'video/mp4')).statusCode).toBe(422);
    expect((await upload(media.wav, 'audio/wav')).statusCode).toBe(413);
    expect(server.requests).toEqual([]);
    expect(await bed.database.query(`SELECT count(*)::int AS n FROM assets WHERE org_id = $1`, [owner.orgId])).toEqual([{ n: 1 }]);
  });
});
