import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { FentaError } from '@fenta/core';

/**
 * `<data dir>/stack.json`: where a running `./fenta up` keeps its services,
 * so other `fenta` commands (render) reach the same stack. Holds connection
 * URLs with passwords, hence mode 0600; removed when the stack stops.
 */
export interface StackFile {
  /** The API the stack serves, as its clients (`./fenta render`) reach it. */
  apiUrl: string;
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

const stackFileSchema = z.object({
  apiUrl: z.string(),
  databaseUrl: z.string(),
  redisUrl: z.string(),
  storageDir: z.string(),
  orgId: z.string(),
  userId: z.string(),
});

/** The stack a `./fenta up` recorded, or STACK_NOT_RUNNING when there is none (or what is there is not its file). */
export async function readStackFile(dataDir: string): Promise<StackFile> {
  let text: string;
  try {
    text = await readFile(stackFilePath(dataDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new FentaError('STACK_NOT_RUNNING', { dataDir, reason: 'no stack.json there' });
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const stack = stackFileSchema.safeParse(parsed);
  if (!stack.success) throw new FentaError('STACK_NOT_RUNNING', { dataDir, reason: 'its stack.json is not one ./fenta up wrote' });
  return stack.data;
}
