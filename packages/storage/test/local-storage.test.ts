import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocalStorage } from '../src';
import { describeStorageContract } from './storage-contract';

const roots: string[] = [];

async function freshRoot(): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'fenta-local-storage-'));
  roots.push(root);
  return root;
}

afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

/** Every file under `folder`, relative and sorted. */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
    .sort();
}

describeStorageContract('LocalStorage', async () => new LocalStorage(await freshRoot()));

describe('LocalStorage on disk', () => {
  let root: string;
  let storage: LocalStorage;

  beforeEach(async () => {
    root = await freshRoot();
    storage = new LocalStorage(root);
  });

  it('keeps the object as a file under the root, its type in a .type sidecar, and nothing else', async () => {
    await storage.putBytes('orgs/o1/video.mp4', 'frames', { contentType: 'video/mp4' });
    expect(await filesUnder(root)).toEqual(['orgs/o1/video.mp4', 'orgs/o1/video.mp4.type']);
    expect(await readFile(path.join(root, 'orgs', 'o1', 'video.mp4.type'), 'utf8')).toBe('video/mp4');
  });

  it('gives a local path to read without copying, and a file:// URL to it', async () => {
    await storage.putBytes('orgs/o1/thumb.jpg', 'jpeg', { contentType: 'image/jpeg' });
    const file = storage.localPath('orgs/o1/thumb.jpg');
    expect(file).toBe(path.join(root, 'orgs', 'o1', 'thumb.jpg'));
    expect(await readFile(file, 'utf8')).toBe('jpeg');
    expect(await storage.downloadUrl('orgs/o1/thumb.jpg')).toBe(pathToFileURL(file).toString());
  });

  it('reports application/octet-stream when the sidecar is missing', async () => {
    await mkdir(path.join(root, 'legacy'), { recursive: true });
    await writeFile(path.join(root, 'legacy', 'old.bin'), 'xyz');
    expect(await storage.stat('legacy/old.bin')).toEqual({ key: 'legacy/old.bin', bytes: 3, contentType: 'application/octet-stream' });
  });

  it('putBytes that cannot be renamed into place fails with STORAGE_FAILED and leaves no partial file', async () => {
    // `clip` is a folder holding another object, so nothing can be renamed onto it.
    await storage.putBytes('clip/inner.txt', 'inner', { contentType: 'text/plain' });
    const error = await storage.putBytes('clip', 'outer', { contentType: 'text/plain' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'STORAGE_FAILED' });
    expect((error as Error).message).toMatch(/^Storage put of clip failed: EISDIR: illegal operation on a directory, rename /);
    expect(await filesUnder(root)).toEqual(['clip/inner.txt', 'clip/inner.txt.type']);
  });

  it('putFile that cannot be renamed into place fails with STORAGE_FAILED and leaves no partial file', async () => {
    await storage.putBytes('clip/inner.txt', 'inner', { contentType: 'text/plain' });
    const source = path.join(await freshRoot(), 'source.txt');
    await writeFile(source, 'outer');
    const error = await storage.putFile('clip', source, { contentType: 'text/plain' }).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(/^Storage put of clip failed: EISDIR/);
    expect(await filesUnder(root)).toEqual(['clip/inner.txt', 'clip/inner.txt.type']);
  });

  it('a key below an existing object cannot be written, reads as missing, and deletes as a no-op', async () => {
    await storage.putBytes('video.mp4', 'frames', { contentType: 'video/mp4' });
    await expect(storage.putBytes('video.mp4/part', 'x', { contentType: 'text/plain' })).rejects.toMatchObject({
      code: 'STORAGE_FAILED',
      message: expect.stringMatching(/^Storage put of video\.mp4\/part failed: EEXIST: file already exists, mkdir /),
    });
    await expect(storage.getBytes('video.mp4/part')).rejects.toMatchObject({ code: 'STORAGE_NOT_FOUND' });
    expect(await storage.stat('video.mp4/part')).toBeUndefined();
    await storage.delete('video.mp4/part');
    expect(await filesUnder(root)).toEqual(['video.mp4', 'video.mp4.type']);
  });

  it('deleting a key that is a folder of other objects leaves them alone', async () => {
    await storage.putBytes('orgs/o1/a.txt', 'a', { contentType: 'text/plain' });
    await storage.delete('orgs/o1');
    expect(await storage.getBytes('orgs/o1/a.txt')).toEqual(Buffer.from('a'));
  });

  it('getFile into a folder that cannot be created fails with STORAGE_FAILED', async () => {
    await storage.putBytes('a.txt', 'a', { contentType: 'text/plain' });
    const blocker = path.join(await freshRoot(), 'file');
    await writeFile(blocker, 'not a folder');
    await expect(storage.getFile('a.txt', path.join(blocker, 'out.txt'))).rejects.toMatchObject({
      code: 'STORAGE_FAILED',
      message: expect.stringMatching(/^Storage get of a\.txt failed: EEXIST: file already exists, mkdir /),
    });
  });

  it('concurrent writes of one key leave exactly one whole version and no partial files', async () => {
    const versions = Array.from({ length: 25 }, (_, index) => Buffer.alloc(50_000 + index, index));
    await Promise.all(versions.map((body) => storage.putBytes('race/video.mp4', body, { contentType: 'video/mp4' })));
    const stored = await storage.getBytes('race/video.mp4');
    expect(versions.some((body) => body.equals(stored))).toBe(true);
    expect(await filesUnder(root)).toEqual(['race/video.mp4', 'race/video.mp4.type']);
  });
});
