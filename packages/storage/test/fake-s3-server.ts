import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

/** A running s3rver on loopback with one bucket, and the requests it has seen (`METHOD /path?query`). */
export interface FakeS3Server {
  endpoint: string;
  bucket: string;
  requests: string[];
  close(): Promise<void>;
}

/** The credentials s3rver accepts. */
export const fakeS3Credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** Starts s3rver on a free loopback port, its data in a fresh temporary folder. */
export async function startFakeS3Server(bucket = 'fenta-test'): Promise<FakeS3Server> {
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
