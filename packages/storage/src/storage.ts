/** What a stored object is. */
export interface StoredObject {
  key: string;
  bytes: number;
  contentType: string;
}

/**
 * Where media lives. Keys are relative, slash-separated paths such as
 * `orgs/{org}/jobs/{job}/{node}/video.mp4`; a key that is empty, absolute or
 * climbs out with `..` is refused with STORAGE_KEY_INVALID. Media never goes
 * through Redis or Postgres: only keys do.
 */
export interface Storage {
  /** `local` or `s3`, for logs and the `renders` row. */
  readonly driver: 'local' | 's3';
  /** Stores a local file (streamed, multipart for large files on S3) under `key`, replacing what was there. */
  putFile(key: string, path: string, options: { contentType: string }): Promise<StoredObject>;
  /** Stores bytes or text under `key`. */
  putBytes(key: string, body: Buffer | string, options: { contentType: string }): Promise<StoredObject>;
  /** Writes the object to a local file (creating its folder). STORAGE_NOT_FOUND when missing. */
  getFile(key: string, path: string): Promise<void>;
  /** Reads the whole object; for small objects (JSON, subtitles). */
  getBytes(key: string): Promise<Buffer>;
  /** The object's size and type, or undefined when it does not exist. */
  stat(key: string): Promise<StoredObject | undefined>;
  /**
   * A path on this machine where the object can be read without copying, when
   * the driver stores on local disk; undefined otherwise (then use getFile).
   */
  localPath(key: string): string | undefined;
  /** A URL to download the object: presigned for S3 (`expiresInSeconds`), `file://` for local disk. */
  downloadUrl(key: string, options?: { expiresInSeconds?: number }): Promise<string>;
  /** Deletes the object; no error when it does not exist. */
  delete(key: string): Promise<void>;
}
