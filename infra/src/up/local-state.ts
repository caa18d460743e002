import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CommandFailure } from '../cli/command-failure';

/** What `./fenta up` tells its user: where the stack is and how to call it. Written to `<data dir>/demo.json`. */
export interface DemoFile {
  apiUrl: string;
  apiKey: string;
  orgId: string;
  userId: string;
  workflowId: string;
  templateId: string;
  boardUrl: string;
  boardUser: string;
  boardPassword: string;
  /** The board's read-only login. */
  boardViewerUser: string;
  boardViewerPassword: string;
  /** The job that renders the demo short (made once; a second `./fenta up` finds the same job). */
  demoJobId: string;
}

/** Secrets generated on the first `./fenta up` and reused after. Kept mode 0600. */
export interface LocalSecrets {
  /** The board's operator password. */
  boardPassword: string;
  boardViewerPassword: string;
}

export async function readDemoFile(dataDir: string): Promise<Partial<DemoFile>> {
  return readJson<Partial<DemoFile>>(path.join(dataDir, 'demo.json'), {});
}

export async function writeDemoFile(dataDir: string, demo: DemoFile): Promise<string> {
  const file = path.join(dataDir, 'demo.json');
  await writeFile(file, `${JSON.stringify(demo, null, 2)}\n`, { mode: 0o600 });
  return file;
}

export async function loadLocalSecrets(dataDir: string): Promise<LocalSecrets> {
  const file = path.join(dataDir, 'secrets.json');
  const existing = await readJson<Partial<LocalSecrets>>(file, {});
  // A data folder from before the viewer login keeps its operator password and gains a viewer one.
  const secrets: LocalSecrets = {
    boardPassword: existing.boardPassword || newPassword(),
    boardViewerPassword: existing.boardViewerPassword || newPassword(),
  };
  if (secrets.boardPassword !== existing.boardPassword || secrets.boardViewerPassword !== existing.boardViewerPassword) {
    await writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  }
  return secrets;
}

function newPassword(): string {
  return randomBytes(18).toString('base64url');
}

async function readJson<T>(file: string, fallback: T): Promise<T> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    if (error instanceof SyntaxError)
      throw CommandFailure.of(
        'CLI_FILE_INVALID',
        { expected: 'JSON', reason: error.message },
        { file, fix: 'correct or delete it; ./fenta up writes it anew' },
      );
    throw error;
  }
}
