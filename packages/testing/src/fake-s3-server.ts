// Consumers compile this file through their path mapping, which does not include the declaration on its own.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./s3rver.d.ts" />
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A running s3rver on loopback with one bucket, and the requests it has seen (`METHOD /path?query`). */
export interface FakeS3Server {
  endpoint: string;
  bucket: string;
  requests: string[];
  close(): Promise<void>;
}

/** The credentials s3rver accepts. */
export const fakeS3Credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * Starts s3rver (an S3 wire-format server) on a free loopback port, its data
 * in a fresh temporary folder. s3rver is loaded here, not at the top, so the
 * many tests that use this package without S3 do not load it.
 */
export async function startFakeS3Server(bucket = 'fenta-test'): Promise<FakeS3Server> {
  const { default: S3rver } = await import('s3rver');
  const directory = await mkdtemp(path.join(os.tmpdir(), 'fenta-s3rver-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const requests: string[] = [];
  server.httpServer?.on('request', (request: { method?: string; url?: string }) => {
    requests.push(`${request.method} ${request.url}`);
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    requests,
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
