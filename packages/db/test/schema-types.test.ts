import { spawn } from 'node:child_process';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@fenta/testing';

const dbPackage = path.join(__dirname, '..');

describe('kysely DB types', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
  });
  afterAll(() => database.drop());

  it('match the migrated database (regenerate with ./fenta codegen)', async () => {
    const bin = require.resolve('kysely-codegen/dist/cli/bin.js', { paths: [dbPackage] });
    const output: string[] = [];
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [bin, '--verify', '--url', database.url, '--log-level', 'error'], { cwd: dbPackage });
      child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.once('exit', resolve);
    });
    expect({ code, output: output.join('') }).toEqual({ code: 0, output: expect.any(String) });
  });
});
