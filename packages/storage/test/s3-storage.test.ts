import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { FentaError } from '@fenta/core';
import { S3Storage, type S3StorageConfig, type S3UploadTuning } from '../src';
import { fakeS3Credentials, startFakeS3Server, type FakeS3Server } from '@fenta/testing';
import { describeStorageContract } from './storage-contract';

const MiB = 1024 * 1024;

let server: FakeS3Server;
let scratch: string;
const storages: S3Storage[] = [];

beforeAll(async () => {
  server = await startFakeS3Server();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'fenta-s3-storage-'));
});

afterAll(async () => {
  for (const storage of storages) storage.destroy();
  await server.close();
  await rm(scratch, { recursive: true, force: true });
});

/** An S3Storage on the fake server, under a prefix of its own so tests never see each other's keys. */
function makeStorage(config: Partial<S3StorageConfig> = {}, tuning?: S3UploadTuning): S3Storage {
  const storage = new S3Storage(
    {
      bucket: server.bucket,
      region: 'us-east-1',
      endpoint: server.endpoint,
      forcePathStyle: true,
      ...fakeS3Credentials,
      prefix: `t-${randomUUID()}`,
      ...config,
    },
    tuning,
  );
  storages.push(storage);
  return storage;
}

/** The requests the server saw for keys under `prefix`, as `METHOD /path?query`. */
function requestsUnder(prefix: string): string[] {
  return server.requests.filter((request) => request.includes(`/${server.bucket}/${prefix}/`));
}

async function rejectionOf(promise: Promise<unknown>): Promise<FentaError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: FentaError) => error,
  );
}

describeStorageContract('S3Storage', () => makeStorage());

describe('S3Storage against an S3-compatible server', () => {
  it('is the s3 driver and never offers a local path', async () => {
    const storage = makeStorage();
    await storage.putBytes('a.txt', 'a', { contentType: 'text/plain' });
    expect(storage.driver).toBe('s3');
    expect(storage.localPath('a.txt')).toBeUndefined();
  });

  it('sends path-style requests under the prefix, with path style on by default when an endpoint is set', async () => {
    const prefix = `p-${randomUUID()}`;
    const storage = makeStorage({ prefix, forcePathStyle: undefined });
    await storage.putBytes('orgs/o1/a.txt', 'a', { contentType: 'text/plain' });
    await storage.getBytes('orgs/o1/a.txt');
    await storage.stat('orgs/o1/a.txt');
    await storage.delete('orgs/o1/a.txt');
    expect(requestsUnder(prefix)).toEqual([
      `PUT /fenta-test/${prefix}/orgs/o1/a.txt?x-id=PutObject`,
      `GET /fenta-test/${prefix}/orgs/o1/a.txt?x-id=GetObject`,
      `HEAD /fenta-test/${prefix}/orgs/o1/a.txt`,
      `DELETE /fenta-test/${prefix}/orgs/o1/a.txt?x-id=DeleteObject`,
    ]);
  });

  it('stores every key under the prefix, whatever slashes surround it', async () => {
    const prefix = `p-${randomUUID()}`;
    await makeStorage({ prefix: `/${prefix}/deep/` }).putBytes('a.txt', 'under the prefix', { contentType: 'text/plain' });
    const whole = makeStorage({ prefix: undefined });
    expect((await whole.getBytes(`${prefix}/deep/a.txt`)).toString()).toBe('under the prefix');
  });

  it('uploads a file above the threshold in several parts and reads back the exact bytes', async () => {
    const prefix = `p-${randomUUID()}`;
    const storage = makeStorage({ prefix }, { multipartThresholdBytes: 5 * MiB, partSizeBytes: 5 * MiB });
    const content = randomBytes(12 * MiB + 12_345);
    const source = path.join(scratch, 'large.mp4');
    await writeFile(source, content);

    expect(await storage.putFile('renders/large.mp4', source, { contentType: 'video/mp4' })).toEqual({
      key: 'renders/large.mp4',
      bytes: content.length,
      contentType: 'video/mp4',
    });

    const seen = requestsUnder(prefix);
    const parts = seen
      .map((request) => /^PUT .*[?&]partNumber=(\d+)/.exec(request)?.[1])
      .filter((part): part is string => part !== undefined)
      .map(Number)
      .sort();
    expect(parts).toEqual([1, 2, 3]);
    expect(seen.filter((request) => request.startsWith('POST '))).toEqual([
      `POST /fenta-test/${prefix}/renders/large.mp4?uploads=`,
      expect.stringMatching(new RegExp(`^POST /fenta-test/${prefix}/renders/large\\.mp4\\?uploadId=\\w+$`)),
    ]);
    expect(seen.some((request) => request.includes('x-id=PutObject'))).toBe(false);

    const destination = path.join(scratch, 'large-copy.mp4');
    await storage.getFile('renders/large.mp4', destination);
    expect((await readFile(destination)).equals(content)).toBe(true);
    expect(await storage.stat('renders/large.mp4')).toEqual({ key: 'renders/large.mp4', bytes: content.length, contentType: 'video/mp4' });
  });

  it('uploads a file at the threshold in one request', async () => {
    const prefix = `p-${randomUUID()}`;
    const storage = makeStorage({ prefix }, { multipartThresholdBytes: 5 * MiB, partSizeBytes: 5 * MiB });
    const content = randomBytes(5 * MiB);
    const source = path.join(scratch, 'threshold.mp4');
    await writeFile(source, content);
    await storage.putFile('threshold.mp4', source, { contentType: 'video/mp4' });
    expect(requestsUnder(prefix)).toEqual([`PUT /fenta-test/${prefix}/threshold.mp4?x-id=PutObject`]);
    expect((await storage.getBytes('threshold.mp4')).equals(content)).toBe(true);
  });

  it('gives a presigned URL that downloads the exact bytes with a plain fetch', async () => {
    const storage = makeStorage();
    const content = randomBytes(70_000);
    await storage.putBytes('renders/thumb.jpg', content, { contentType: 'image/jpeg' });

    const url = new URL(await storage.downloadUrl('renders/thumb.jpg', { expiresInSeconds: 120 }));
    expect(url.origin).toBe(server.endpoint);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('120');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);

    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);
  });

  it('presigns for an hour unless told otherwise', async () => {
    const url = new URL(await makeStorage().downloadUrl('any.txt'));
    expect(url.searchParams.get('X-Amz-Expires')).toBe('3600');
  });

  it('reports a missing bucket as STORAGE_FAILED, not as a missing object', async () => {
    const storage = makeStorage({ bucket: 'fenta-missing' });
    const error = await rejectionOf(storage.getBytes('a.txt'));
    expect(error).toMatchObject({
      code: 'STORAGE_FAILED',
      message: 'Storage get of a.txt failed: NoSuchBucket (HTTP 404): The specified bucket does not exist',
      details: { errorName: 'NoSuchBucket', httpStatus: 404 },
    });
  });

  it('reports an unreachable server as STORAGE_FAILED, and stat does not pass it off as missing', async () => {
    const port = await freePort();
    const storage = makeStorage({ endpoint: `http://127.0.0.1:${port}` });
    const error = await rejectionOf(storage.stat('a.txt'));
    expect(error.code).toBe('STORAGE_FAILED');
    expect(error.message).toMatch(new RegExp(`^Storage stat of a\\.txt failed: .*ECONNREFUSED 127\\.0\\.0\\.1:${port}`));
  });

  describe('with credentials the server does not know', () => {
    const accessKeyId = 'AKIAFENTANOTREAL0001';
    const secretAccessKey = 'fenta/secret+never-in-errors-0001';

    const operations: [string, (storage: S3Storage, source: string) => Promise<unknown>][] = [
      ['putBytes', (storage) => storage.putBytes('a.txt', 'a', { contentType: 'text/plain' })],
      ['putFile', (storage, source) => storage.putFile('a.bin', source, { contentType: 'video/mp4' })],
      ['getBytes', (storage) => storage.getBytes('a.txt')],
      ['getFile', (storage) => storage.getFile('a.txt', path.join(scratch, 'denied.txt'))],
      ['stat', (storage) => storage.stat('a.txt')],
      ['delete', (storage) => storage.delete('a.txt')],
    ];

    it.each(operations)('%s fails with STORAGE_FAILED and no trace of the credentials', async (_name, run) => {
      const storage = makeStorage({ accessKeyId, secretAccessKey }, { multipartThresholdBytes: 5 * MiB, partSizeBytes: 5 * MiB });
      const source = path.join(scratch, 'denied-source.bin');
      await writeFile(source, randomBytes(6 * MiB));

      const error = await rejectionOf(run(storage, source));
      expect(error.code).toBe('STORAGE_FAILED');
      expect(error.message).toMatch(/^Storage (put|get|stat|delete) of a\.(txt|bin) failed: /);
      const everything = [error.message, JSON.stringify(error.toBody()), inspect(error, { depth: null, showHidden: true })];
      for (const text of everything) {
        expect(text).not.toContain(accessKeyId);
        expect(text).not.toContain(secretAccessKey);
      }
    });

    it('says why, in the words of the server', async () => {
      const storage = makeStorage({ accessKeyId, secretAccessKey });
      expect(await rejectionOf(storage.getBytes('a.txt'))).toMatchObject({
        message: 'Storage get of a.txt failed: InvalidAccessKeyId (HTTP 403): The AWS Access Key Id you provided does not exist in our records.',
        details: { errorName: 'InvalidAccessKeyId', httpStatus: 403 },
      });
      expect((await rejectionOf(storage.stat('a.txt'))).message).toBe('Storage stat of a.txt failed: HTTP 403 Forbidden');
    });

    it('never puts the secret in a presigned URL', async () => {
      const url = await makeStorage({ accessKeyId, secretAccessKey }).downloadUrl('a.txt');
      expect(url).not.toContain(secretAccessKey);
      expect(url).not.toContain(encodeURIComponent(secretAccessKey));
    });
  });

  describe('refuses a configuration it cannot work with', () => {
    it('a part size below the S3 minimum of 5 MiB', () => {
      expect(() => makeStorage({}, { partSizeBytes: 5 * MiB - 1 })).toThrow(
        'Configuration is invalid: partSizeBytes: must be at least 5242880 (5 MiB, the S3 minimum)',
      );
    });

    it('an access key without its secret, and an empty bucket', () => {
      expect(() => makeStorage({ bucket: '', secretAccessKey: undefined })).toThrow(
        'Configuration is invalid: bucket: must not be empty; accessKeyId and secretAccessKey: give both or neither',
      );
    });

    it('a prefix that climbs out', () => {
      expect(() => makeStorage({ prefix: 'a/../b' })).toThrow(
        expect.objectContaining({ code: 'STORAGE_KEY_INVALID', message: 'Storage key "a/../b" is invalid: it has an empty, "." or ".." segment' }),
      );
    });
  });
});

/** A loopback port with nothing listening on it. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
