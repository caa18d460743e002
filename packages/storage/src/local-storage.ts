import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FentaError } from '@fenta/core';
import type { Storage, StoredObject } from './storage';
import { assertValidKey } from './storage-key';

/**
 * Stores objects as files under `root`. The content type is kept in a
 * `.type` sidecar file. Writes go to a temporary name first and are renamed
 * into place, so a reader never sees half a file.
 */
export class LocalStorage implements Storage {
  readonly driver = 'local' as const;

  constructor(private readonly root: string) {}

  async putFile(key: string, source: string, options: { contentType: string }): Promise<StoredObject> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    const partial = `${target}.partial-${process.pid}-${Date.now()}`;
    try {
      await copyFile(source, partial);
      await rename(partial, target);
    } catch (cause) {
      await rm(partial, { force: true });
      throw new FentaError('STORAGE_FAILED', { operation: 'put', key, reason: (cause as Error).message }, { cause });
    }
    await writeFile(`${target}.type`, options.contentType);
    return { key, bytes: (await stat(target)).size, contentType: options.contentType };
  }

  async putBytes(key: string, body: Buffer | string, options: { contentType: string }): Promise<StoredObject> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    const partial = `${target}.partial-${process.pid}-${Date.now()}`;
    await writeFile(partial, body);
    await rename(partial, target);
    await writeFile(`${target}.type`, options.contentType);
    return { key, bytes: Buffer.byteLength(body), contentType: options.contentType };
  }

  async getFile(key: string, destination: string): Promise<void> {
    const source = this.pathOf(key);
    await mkdir(path.dirname(destination), { recursive: true });
    try {
      await copyFile(source, destination);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') throw new FentaError('STORAGE_NOT_FOUND', { key });
      throw new FentaError('STORAGE_FAILED', { operation: 'get', key, reason: (cause as Error).message }, { cause });
    }
  }

  async getBytes(key: string): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(key));
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') throw new FentaError('STORAGE_NOT_FOUND', { key });
      throw new FentaError('STORAGE_FAILED', { operation: 'get', key, reason: (cause as Error).message }, { cause });
    }
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    const file = this.pathOf(key);
    try {
      const info = await stat(file);
      const contentType = await readFile(`${file}.type`, 'utf8').catch(() => 'application/octet-stream');
      return { key, bytes: info.size, contentType };
    } catch {
      return undefined;
    }
  }

  localPath(key: string): string {
    return this.pathOf(key);
  }

  async downloadUrl(key: string): Promise<string> {
    return pathToFileURL(this.pathOf(key)).toString();
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    await rm(file, { force: true });
    await rm(`${file}.type`, { force: true });
  }

  private pathOf(key: string): string {
    assertValidKey(key);
    return path.join(this.root, ...key.split('/'));
  }
}
