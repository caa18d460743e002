import { z } from 'zod';
import { parseEnv, urlSchema } from '@fenta/core';
import { CommandFailure } from '../cli/command-failure';
import { readDemoFile } from '../up/local-state';
import { readStackFile } from '../up/stack-file';
import { readUpEnv } from '../up/up-env';

/** The API a client command talks to, and the key it sends. */
export interface ApiTarget {
  apiUrl: string;
  apiKey: string;
  /** The running `./fenta up` of this data folder, when neither variable named another API. */
  localDataDir?: string;
}

const schema = z.object({
  FENTA_API_URL: urlSchema('http:', 'https:').optional(),
  FENTA_API_KEY: z
    .string()
    .regex(/^fenta_\S+$/, 'must be a Fenta API key (fenta_…)')
    .optional(),
});

/**
 * FENTA_API_URL and FENTA_API_KEY name any deployment. Unset, the URL is the
 * API of the stack `./fenta up` runs in FENTA_DATA_DIR, and the key its demo
 * key (kept in that folder's demo.json); a key given alone is sent to the
 * local stack. A URL without a key is refused: the local demo key must not
 * travel to another server.
 */
export async function readApiTarget(env: Record<string, string | undefined> = process.env): Promise<ApiTarget> {
  const { FENTA_API_URL: url, FENTA_API_KEY: key } = parseEnv(schema, env);
  if (url !== undefined) {
    if (key === undefined)
      throw CommandFailure.of(
        'CONFIG_INVALID',
        { problems: 'FENTA_API_KEY: is required when FENTA_API_URL is set' },
        { fix: 'set FENTA_API_KEY to a key of that API (./fenta key create makes one)' },
      );
    const { protocol, hostname } = new URL(url);
    if (protocol === 'http:' && !isLoopbackHost(hostname))
      process.stderr.write(`warning: FENTA_API_URL is plain http to ${hostname}: the API key travels unencrypted; use https\n`);
    return { apiUrl: url.replace(/\/+$/, ''), apiKey: key };
  }
  const dataDir = readUpEnv(env).dataDir;
  const stack = await readStackFile(dataDir);
  const demoKey = (await readDemoFile(dataDir)).apiKey;
  if (key === undefined && demoKey === undefined)
    throw CommandFailure.of('STACK_NOT_RUNNING', { dataDir, reason: 'its demo.json holds no API key' }, { fix: 'restart ./fenta up, or set FENTA_API_KEY' });
  return { apiUrl: stack.apiUrl, apiKey: key ?? demoKey!, localDataDir: dataDir };
}

/** This machine, by name or address: where plain http does not cross a network. */
function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}
