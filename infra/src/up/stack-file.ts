import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * `<data dir>/stack.json`: where a running `./fenta up` keeps its services,
 * so other `fenta` commands (render) reach the same stack. Holds connection
 * URLs with passwords, hence mode 0600; removed when the stack stops.
 */
export interface StackFile {
  databaseUrl: string;
  redisUrl: string;
  storageDir: string;
  orgId: string;
  userId: string;
}

export function stackFilePath(dataDir: string): string {
  return path.join(dataDir, 'stack.json');
}

export async function writeStackFile(dataDir: string, stack: StackFile): Promise<void> {
  await writeFile(stackFilePath(dataDir), `${JSON.stringify(stack, null, 2)}\n`, { mode: 0o600 });
}

/** The running stack, or an error that says how to start one. */
export async function readStackFile(dataDir: string): Promise<StackFile> {
  try {
    return JSON.parse(await readFile(stackFilePath(dataDir), 'utf8')) as StackFile;
  } catch {
    throw new Error(`No running stack found in ${dataDir}: start it with ./fenta up (in another terminal) first.`);
  }
}
