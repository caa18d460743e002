import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalStorage } from '../src/local-storage';
import { artifactKey, scopeStorageToOrg } from '../src/org-scoped-storage';

describe('storage scoped to an org', () => {
  let root: string;
  let storage: LocalStorage;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'fenta-scoped-'));
    storage = new LocalStorage(path.join(root, 'storage'));
    await storage.putBytes('orgs/org_a/uploads/song.mp3', 'a', { contentType: 'audio/mpeg' });
    await storage.putBytes('orgs/org_b/uploads/song.mp3', 'b', { contentType: 'audio/mpeg' });
    await storage.putBytes('library/offline/v1/clip.mp4', 'c', { contentType: 'video/mp4' });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it("reads and writes the org's own files and the shared offline library", async () => {
    const scoped = scopeStorageToOrg(storage, 'org_a');
    expect((await scoped.getBytes('orgs/org_a/uploads/song.mp3')).toString()).toBe('a');
    expect(await scoped.stat('library/offline/v1/clip.mp4')).toMatchObject({ bytes: 1 });
    await scoped.putBytes('orgs/org_a/jobs/job_1/n1/x.txt', 'x', { contentType: 'text/plain' });
    expect(scoped.localPath('orgs/org_a/jobs/job_1/n1/x.txt')).toBe(path.join(root, 'storage', 'orgs/org_a/jobs/job_1/n1/x.txt'));
  });

  it.each(['orgs/org_b/uploads/song.mp3', 'orgs/org_a_lookalike/uploads/song.mp3', 'orgs/org_a', 'uploads/song.mp3'])(
    'refuses %s with STORAGE_KEY_NOT_OWNED, for every operation, before touching it',
    async (key) => {
      const scoped = scopeStorageToOrg(storage, 'org_a');
      const refused = expect.objectContaining({ code: 'STORAGE_KEY_NOT_OWNED', status: 403 });
      await expect(scoped.getBytes(key)).rejects.toEqual(refused);
      await expect(scoped.stat(key)).rejects.toEqual(refused);
      await expect(scoped.getFile(key, path.join(root, 'out'))).rejects.toEqual(refused);
      await expect(scoped.delete(key)).rejects.toEqual(refused);
      const file = path.join(root, 'in');
      await writeFile(file, 'z');
      await expect(scoped.putFile(key, file, { contentType: 'text/plain' })).rejects.toEqual(refused);
      expect(() => scoped.localPath(key)).toThrow(refused);
      expect((await storage.getBytes('orgs/org_b/uploads/song.mp3')).toString()).toBe('b');
    },
  );

  it.each(['orgs/org_a/../org_b/uploads/song.mp3', '/orgs/org_a/x', 'orgs/org_a/a\\b', 'orgs/org_a//x'])(
    'refuses the malformed key %j with STORAGE_KEY_INVALID',
    async (key) => {
      await expect(scopeStorageToOrg(storage, 'org_a').getBytes(key)).rejects.toMatchObject({ code: 'STORAGE_KEY_INVALID' });
    },
  );

  it('builds artifact keys only from ids of their grammar', () => {
    expect(artifactKey('org_a', 'job_0192-ab', 'n6', 'video.mp4')).toBe('orgs/org_a/jobs/job_0192-ab/n6/video.mp4');
    expect(() => artifactKey('org_a', 'job_1', '../../x', 'video.mp4')).toThrow(expect.objectContaining({ code: 'STORAGE_KEY_INVALID' }));
    expect(() => artifactKey('org_a', '../job_1', 'n6', 'video.mp4')).toThrow(expect.objectContaining({ code: 'STORAGE_KEY_INVALID' }));
    expect(() => artifactKey('../org_a', 'job_1', 'n6', 'video.mp4')).toThrow(expect.objectContaining({ code: 'STORAGE_KEY_INVALID' }));
    expect(() => artifactKey('org_a', 'job_1', 'n6', '../video.mp4')).toThrow(expect.objectContaining({ code: 'STORAGE_KEY_INVALID' }));
  });
});
