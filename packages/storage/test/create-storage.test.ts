import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createStorage, LocalStorage, S3Storage } from '../src';
import { fakeS3Credentials, startFakeS3Server } from '@fenta/testing';

describe('createStorage', () => {
  it('builds local-disk storage under the root', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'fenta-create-storage-'));
    try {
      const storage = createStorage({ driver: 'local', root });
      expect(storage).toBeInstanceOf(LocalStorage);
      await storage.putBytes('a/b.txt', 'local', { contentType: 'text/plain' });
      expect(await readFile(path.join(root, 'a', 'b.txt'), 'utf8')).toBe('local');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('builds S3 storage that uses the endpoint, credentials and prefix it was given', async () => {
    const server = await startFakeS3Server();
    const storage = createStorage({
      driver: 's3',
      bucket: server.bucket,
      region: 'us-east-1',
      endpoint: server.endpoint,
      ...fakeS3Credentials,
      prefix: 'fenta/created',
    });
    try {
      expect(storage).toBeInstanceOf(S3Storage);
      expect(storage.driver).toBe('s3');
      await storage.putBytes('a/b.txt', 'remote', { contentType: 'text/plain' });
      expect(server.requests).toEqual(['PUT /fenta-test/fenta/created/a/b.txt?x-id=PutObject']);
    } finally {
      (storage as S3Storage).destroy();
      await server.close();
    }
  });
});
