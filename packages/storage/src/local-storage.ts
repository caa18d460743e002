import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FentaError } from '@fenta/core';
import { partialPathFor } from './partial-path';
import type { Storage, StoredObject } from './storage';
import { assertValidKey } from './storage-key';

const defaultContentType = 'application/octet-stream';

/**
 * Stores objects as files under `root`. The content type is kept in a
 * `.type` sidecar file. Writes go to a temporary name first and are renamed
 * into place, so a reader never sees half a file.
 */
export class LocalStorage implements Storage {
  readonly driver = 'local' as const;

  constructor(private readonly root: string) {}

  async putFile(key: string, source: string, options: { contentType: string }): Promise<StoredObject> {
    const bytes = await this.write(key, options.contentType, (partial) => copyFile(source, partial));
    return { key, bytes, contentType: options.contentType };
  }

  async putBytes(key: string, body: Buffer | string, options: { contentType: string }): Promise<StoredObject> {
    const bytes = await this.write(key, options.contentType, (partial) => writeFile(partial, body));
    return { key, bytes, contentType: options.contentType };
  }

  async getFile(key: string, destination: string): Promise<void> {
    const source = this.pathOf(key);
    const partial = partialPathFor(destination);
    try {
      await mkdir(path.dirname(destination), { recursive: true });
      await copyFile(source, partial);
      await rename(partial, destination);
    } catch (cause) {
      await discard(partial);
      // EISDIR/ENOENT do not say which side failed, so ask the source directly.
      if (!(await isRegularFile(source))) throw new FentaError('STORAGE_NOT_FOUND', { key });
      throw failure('get', key, cause);
    }
  }

  async getBytes(key: string): Promise<Buffer> {
    const file = this.pathOf(key);
    try {
      return await readFile(file);
    } catch (cause) {
      if (isAbsent(cause)) throw new FentaError('STORAGE_NOT_FOUND', { key });
      throw failure('get', key, cause);
    }
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    const file = this.pathOf(key);
    try {
      const info = await stat(file);
      // A folder holding other keys is not an object, as on S3.
      if (!info.isFile()) return undefined;
      return { key, bytes: info.size, contentType: await readContentType(file) };
    } catch (cause) {
      if (isAbsent(cause)) return undefined;
      // A permission or disk error must not look like "missing": callers redo work for missing objects.
      throw failure('stat', key, cause);
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
    try {
      await removeFileIfPresent(file);
      await removeFileIfPresent(`${file}.type`);
    } catch (cause) {
      throw failure('delete', key, cause);
    }
  }

  /**
   * Writes the sidecar, then the content, each to a temporary name renamed
   * into place. The type goes first so that whoever sees the new content also
   * sees its type. Returns the size written.
   */
  private async write(key: string, contentType: string, fill: (partial: string) => Promise<void>): Promise<number> {
    const target = this.pathOf(key);
    const partial = partialPathFor(target);
    const typePartial = partialPathFor(`${target}.type`);
    try {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(typePartial, contentType);
      await rename(typePartial, `${target}.type`);
      await fill(partial);
      const { size } = await stat(partial);
      await rename(partial, target);
      return size;
    } catch (cause) {
      await discard(partial);
      await discard(typePartial);
      // A first write that failed leaves no sidecar behind for an object that does not exist.
      if (!(await isRegularFile(target))) await discard(`${target}.type`);
      throw failure('put', key, cause);
    }
  }

  private pathOf(key: string): string {
    assertValidKey(key);
    return path.join(this.root, ...key.split('/'));
  }
}

function failure(operation: string, key: string, cause: unknown): FentaError {
  return new FentaError('STORAGE_FAILED', { operation, key, reason: (cause as Error).message }, { cause });
}

/** ENOENT, or a path that runs through a file (ENOTDIR) or ends at a folder (EISDIR): no object there. */
function isAbsent(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

async function isRegularFile(file: string): Promise<boolean> {
  return stat(file).then(
    (info) => info.isFile(),
    () => false,
  );
}

async function readContentType(file: string): Promise<string> {
  try {
    return await readFile(`${file}.type`, 'utf8');
  } catch (cause) {
    if (isAbsent(cause)) return defaultContentType;
    throw cause;
  }
}

/** Removes one file; nothing to do when it is missing, runs through a file, or is a folder (not an object). */
async function removeFileIfPresent(file: string): Promise<void> {
  try {
    await rm(file, { force: true });
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' || code === 'ERR_FS_EISDIR') return;
    throw cause;
  }
}

/** Best-effort removal of a temporary file while another error is being reported; that error matters more. */
async function discard(file: string): Promise<void> {
  await rm(file, { force: true }).catch(() => undefined);
}
