import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { FentaError } from '@fenta/core';
import { partialPathFor } from './partial-path';
import { isS3ObjectMissing, s3StorageError } from './s3-storage-error';
import type { Storage, StoredObject } from './storage';
import { assertValidKey } from './storage-key';

const MiB = 1024 * 1024;
/** S3 refuses parts smaller than this, except the last one. */
const minimumPartSize = 5 * MiB;
/** S3 refuses uploads in more parts than this. */
const maximumParts = 10_000;
const defaultContentType = 'application/octet-stream';

/** Where the objects live: a bucket on AWS S3 or on an S3-compatible server. */
export interface S3StorageConfig {
  bucket: string;
  region: string;
  /** The URL of an S3-compatible server (MinIO, R2, …); unset for AWS. */
  endpoint?: string;
  /** Put the bucket in the path rather than the host name; defaults to true when `endpoint` is set. */
  forcePathStyle?: boolean;
  /** Static credentials, given together; when both are unset the SDK's default chain is used (env, profile, role). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** A folder inside the bucket that every key is stored under, e.g. `fenta/prod`. */
  prefix?: string;
}

/** How uploads are split; the defaults suit renders of a few hundred MiB. */
export interface S3UploadTuning {
  /** Files larger than this go up as a multipart upload (default 16 MiB); smaller ones in one request. */
  multipartThresholdBytes?: number;
  /** Size of each part (default 8 MiB, at least 5 MiB); raised when a file would need more than 10,000 parts. */
  partSizeBytes?: number;
  /** Parts in flight at once (default 4); memory use is about this times the part size. */
  partConcurrency?: number;
}

/** Stores objects in an S3 bucket. Nothing is on local disk, so `localPath` is always undefined. */
export class S3Storage implements Storage {
  readonly driver = 's3' as const;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly credentials: readonly (string | undefined)[];
  private readonly multipartThreshold: number;
  private readonly partSize: number;
  private readonly partConcurrency: number;

  constructor(config: S3StorageConfig, tuning: S3UploadTuning = {}) {
    this.multipartThreshold = tuning.multipartThresholdBytes ?? 16 * MiB;
    this.partSize = tuning.partSizeBytes ?? 8 * MiB;
    this.partConcurrency = tuning.partConcurrency ?? 4;
    assertUsable(config, this.partSize, this.partConcurrency);
    this.bucket = config.bucket;
    this.prefix = normalizePrefix(config.prefix);
    this.credentials = [config.accessKeyId, config.secretAccessKey];
    const { accessKeyId, secretAccessKey } = config;
    this.client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle ?? config.endpoint !== undefined,
      credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
      // Many S3-compatible servers mishandle the integrity checksums the SDK adds by default
      // (aws-chunked bodies with trailers get stored framing and all); AWS itself keeps them.
      ...(config.endpoint === undefined ? {} : { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }),
    });
  }

  async putFile(key: string, source: string, options: { contentType: string }): Promise<StoredObject> {
    const objectKey = this.objectKey(key);
    try {
      const { size } = await stat(source);
      if (size > this.multipartThreshold) {
        await this.uploadInParts(objectKey, source, size, options.contentType);
      } else {
        // A buffer, not a stream: the SDK cannot replay a stream, so it never retries one.
        const body = await readFile(source);
        await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: objectKey, Body: body, ContentType: options.contentType }));
      }
      return { key, bytes: size, contentType: options.contentType };
    } catch (cause) {
      throw s3StorageError('put', key, cause, this.credentials);
    }
  }

  async putBytes(key: string, body: Buffer | string, options: { contentType: string }): Promise<StoredObject> {
    const objectKey = this.objectKey(key);
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: objectKey, Body: body, ContentType: options.contentType }));
      return { key, bytes: Buffer.byteLength(body), contentType: options.contentType };
    } catch (cause) {
      throw s3StorageError('put', key, cause, this.credentials);
    }
  }

  async getFile(key: string, destination: string): Promise<void> {
    const objectKey = this.objectKey(key);
    const partial = partialPathFor(destination);
    try {
      await mkdir(path.dirname(destination), { recursive: true });
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      if (!(response.Body instanceof Readable)) throw new Error('the response has no readable body');
      await pipeline(response.Body, createWriteStream(partial));
      const { size } = await stat(partial);
      if (response.ContentLength !== undefined && size !== response.ContentLength) {
        throw new Error(`received ${size} of ${response.ContentLength} bytes`);
      }
      await rename(partial, destination);
    } catch (cause) {
      await rm(partial, { force: true });
      throw this.readError(key, cause);
    }
  }

  async getBytes(key: string): Promise<Buffer> {
    const objectKey = this.objectKey(key);
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      if (!response.Body) throw new Error('the response has no body');
      return Buffer.from(await response.Body.transformToByteArray());
    } catch (cause) {
      throw this.readError(key, cause);
    }
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    const objectKey = this.objectKey(key);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      return { key, bytes: head.ContentLength ?? 0, contentType: head.ContentType ?? defaultContentType };
    } catch (cause) {
      if (isS3ObjectMissing(cause)) return undefined;
      throw s3StorageError('stat', key, cause, this.credentials);
    }
  }

  localPath(_key: string): undefined {
    return undefined;
  }

  async downloadUrl(key: string, options: { expiresInSeconds?: number } = {}): Promise<string> {
    const objectKey = this.objectKey(key);
    try {
      const command = new GetObjectCommand({ Bucket: this.bucket, Key: objectKey });
      return await getSignedUrl(this.client, command, { expiresIn: options.expiresInSeconds ?? 3600 });
    } catch (cause) {
      throw s3StorageError('presign', key, cause, this.credentials);
    }
  }

  async delete(key: string): Promise<void> {
    const objectKey = this.objectKey(key);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: objectKey }));
    } catch (cause) {
      // S3 answers 204 for a missing key; some compatible servers answer 404 instead.
      if (isS3ObjectMissing(cause)) return;
      throw s3StorageError('delete', key, cause, this.credentials);
    }
  }

  /** Closes the client's connections; call once the storage is no longer used (at shutdown). */
  destroy(): void {
    this.client.destroy();
  }

  private async uploadInParts(objectKey: string, source: string, size: number, contentType: string): Promise<void> {
    const body = createReadStream(source);
    try {
      const upload = new Upload({
        client: this.client,
        params: { Bucket: this.bucket, Key: objectKey, Body: body, ContentType: contentType },
        partSize: Math.max(this.partSize, Math.ceil(size / maximumParts)),
        queueSize: this.partConcurrency,
        leavePartsOnError: false,
      });
      await upload.done();
    } finally {
      body.destroy();
    }
  }

  private readError(key: string, cause: unknown): FentaError {
    if (isS3ObjectMissing(cause)) return new FentaError('STORAGE_NOT_FOUND', { key });
    return s3StorageError('get', key, cause, this.credentials);
  }

  private objectKey(key: string): string {
    assertValidKey(key);
    return this.prefix ? `${this.prefix}/${key}` : key;
  }
}

/** `/a/b/` → `a/b`; refused when what is left is not a valid key. */
function normalizePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  if (trimmed) assertValidKey(trimmed);
  return trimmed;
}

function assertUsable(config: S3StorageConfig, partSize: number, partConcurrency: number): void {
  const problems = [
    config.bucket ? undefined : 'bucket: must not be empty',
    config.region ? undefined : 'region: must not be empty',
    Boolean(config.accessKeyId) === Boolean(config.secretAccessKey) ? undefined : 'accessKeyId and secretAccessKey: give both or neither',
    partSize >= minimumPartSize ? undefined : `partSizeBytes: must be at least ${minimumPartSize} (5 MiB, the S3 minimum)`,
    Number.isInteger(partConcurrency) && partConcurrency >= 1 ? undefined : 'partConcurrency: must be a whole number of at least 1',
  ].filter((problem): problem is string => problem !== undefined);
  if (problems.length > 0) {
    throw new FentaError('CONFIG_INVALID', { problems: problems.join('; ') }, { details: { problems } });
  }
}
