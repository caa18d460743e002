import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Storage } from '../src';

const invalidKeys = ['', '/abs', 'a/../b', 'a//b'];

const operations: [string, (storage: Storage, key: string, scratch: string) => Promise<unknown>][] = [
  ['putFile', (storage, key, scratch) => storage.putFile(key, path.join(scratch, 'source.bin'), { contentType: 'video/mp4' })],
  ['putBytes', (storage, key) => storage.putBytes(key, 'x', { contentType: 'text/plain' })],
  ['getFile', (storage, key, scratch) => storage.getFile(key, path.join(scratch, 'out.bin'))],
  ['getBytes', (storage, key) => storage.getBytes(key)],
  ['stat', (storage, key) => storage.stat(key)],
  ['downloadUrl', (storage, key) => storage.downloadUrl(key)],
  ['delete', (storage, key) => storage.delete(key)],
];

/**
 * The behaviour every Storage driver shares, run against a fresh storage from
 * `makeStorage` for each test (an empty folder, or a fresh prefix in a bucket).
 */
export function describeStorageContract(name: string, makeStorage: () => Storage | Promise<Storage>): void {
  describe(`${name} keeps the Storage contract`, () => {
    let storage: Storage;
    let scratch: string;

    beforeEach(async () => {
      storage = await makeStorage();
      scratch = await mkdtemp(path.join(os.tmpdir(), 'fenta-storage-contract-'));
      await writeFile(path.join(scratch, 'source.bin'), randomBytes(1024));
    });

    afterEach(async () => {
      await rm(scratch, { recursive: true, force: true });
    });

    it('putFile then getFile round-trips the exact bytes and reports size and type', async () => {
      const content = randomBytes(300_001);
      const source = path.join(scratch, 'video.mp4');
      await writeFile(source, content);

      const stored = await storage.putFile('orgs/o1/jobs/j1/render/video.mp4', source, { contentType: 'video/mp4' });
      expect(stored).toEqual({ key: 'orgs/o1/jobs/j1/render/video.mp4', bytes: 300_001, contentType: 'video/mp4' });

      const destination = path.join(scratch, 'nested', 'folder', 'copy.mp4');
      await storage.getFile('orgs/o1/jobs/j1/render/video.mp4', destination);
      expect((await readFile(destination)).equals(content)).toBe(true);
    });

    it('putBytes then getBytes round-trips a Buffer exactly', async () => {
      const content = Buffer.from([0, 1, 2, 254, 255, 0, 10, 13]);
      expect(await storage.putBytes('a/bytes.bin', content, { contentType: 'application/octet-stream' })).toEqual({
        key: 'a/bytes.bin',
        bytes: 8,
        contentType: 'application/octet-stream',
      });
      expect(await storage.getBytes('a/bytes.bin')).toEqual(content);
    });

    it('putBytes stores a string as UTF-8 and counts bytes, not characters', async () => {
      const text = 'héllo ✓';
      expect(await storage.putBytes('subs/captions.srt', text, { contentType: 'application/x-subrip' })).toEqual({
        key: 'subs/captions.srt',
        bytes: 10,
        contentType: 'application/x-subrip',
      });
      expect((await storage.getBytes('subs/captions.srt')).toString('utf8')).toBe(text);
    });

    it('stores and reads back an empty object', async () => {
      await storage.putBytes('empty.txt', Buffer.alloc(0), { contentType: 'text/plain' });
      expect(await storage.getBytes('empty.txt')).toEqual(Buffer.alloc(0));
      expect(await storage.stat('empty.txt')).toEqual({ key: 'empty.txt', bytes: 0, contentType: 'text/plain' });
    });

    it('getFile replaces a file already at the destination', async () => {
      const destination = path.join(scratch, 'out.txt');
      await writeFile(destination, 'an older and much longer content');
      await storage.putBytes('short.txt', 'new', { contentType: 'text/plain' });
      await storage.getFile('short.txt', destination);
      expect(await readFile(destination, 'utf8')).toBe('new');
    });

    it('stat returns the size and content type, and undefined for a missing key', async () => {
      await storage.putBytes('meta/result.json', '{"ok":true}', { contentType: 'application/json' });
      expect(await storage.stat('meta/result.json')).toEqual({
        key: 'meta/result.json',
        bytes: 11,
        contentType: 'application/json',
      });
      expect(await storage.stat('meta/missing.json')).toBeUndefined();
    });

    it('stat of a folder that only holds other keys is undefined', async () => {
      await storage.putBytes('orgs/o1/jobs/j1/a.txt', 'a', { contentType: 'text/plain' });
      expect(await storage.stat('orgs/o1/jobs/j1')).toBeUndefined();
      expect(await storage.stat('orgs')).toBeUndefined();
    });

    it('getFile and getBytes of a missing key fail with STORAGE_NOT_FOUND and write nothing', async () => {
      const notFound = { code: 'STORAGE_NOT_FOUND', status: 404, message: 'No stored object at missing/a.bin' };
      await expect(storage.getBytes('missing/a.bin')).rejects.toMatchObject(notFound);
      const destination = path.join(scratch, 'never.bin');
      await expect(storage.getFile('missing/a.bin', destination)).rejects.toMatchObject(notFound);
      await expect(stat(destination)).rejects.toMatchObject({ code: 'ENOENT' });
    });

    describe.each(invalidKeys)('the invalid key %j', (key) => {
      it.each(operations)('is refused by %s with STORAGE_KEY_INVALID', async (_operation, run) => {
        await expect((async () => run(storage, key, scratch))()).rejects.toMatchObject({
          code: 'STORAGE_KEY_INVALID',
          status: 400,
        });
      });
    });

    it('names the key and the reason when refusing it', async () => {
      await expect(storage.getBytes('a/../b')).rejects.toMatchObject({
        code: 'STORAGE_KEY_INVALID',
        message: 'Storage key "a/../b" is invalid: it has an empty, "." or ".." segment',
      });
    });

    it('delete removes the object and is idempotent', async () => {
      await storage.delete('never/stored.txt');
      await storage.putBytes('gone/soon.txt', 'bye', { contentType: 'text/plain' });
      await storage.delete('gone/soon.txt');
      expect(await storage.stat('gone/soon.txt')).toBeUndefined();
      await expect(storage.getBytes('gone/soon.txt')).rejects.toMatchObject({ code: 'STORAGE_NOT_FOUND' });
      await storage.delete('gone/soon.txt');
    });

    it('overwriting replaces the content and the content type entirely', async () => {
      await storage.putBytes('over/write.bin', randomBytes(65_536), { contentType: 'video/mp4' });
      const source = path.join(scratch, 'small.txt');
      await writeFile(source, 'abc');
      await storage.putFile('over/write.bin', source, { contentType: 'text/plain' });
      expect(await storage.getBytes('over/write.bin')).toEqual(Buffer.from('abc'));
      expect(await storage.stat('over/write.bin')).toEqual({ key: 'over/write.bin', bytes: 3, contentType: 'text/plain' });
    });

    it('keys with spaces, non-ASCII and URL-special characters round-trip', async () => {
      const key = 'orgs/o 1/jobs/ünï+cøde %20 & ?x=1#frag.txt';
      await storage.putBytes(key, 'special', { contentType: 'text/plain' });
      expect((await storage.getBytes(key)).toString()).toBe('special');
      expect(await storage.stat(key)).toEqual({ key, bytes: 7, contentType: 'text/plain' });
      await storage.delete(key);
      expect(await storage.stat(key)).toBeUndefined();
    });

    it('putFile of a missing source fails with STORAGE_FAILED and stores nothing', async () => {
      const error = await storage.putFile('from/nowhere.bin', path.join(scratch, 'absent.bin'), { contentType: 'video/mp4' }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toMatchObject({ code: 'STORAGE_FAILED', status: 503 });
      expect((error as Error).message).toMatch(/^Storage put of from\/nowhere\.bin failed: .*ENOENT/);
      expect(await storage.stat('from/nowhere.bin')).toBeUndefined();
    });
  });
}
