import { z } from 'zod';
import { FentaError } from '../errors/fenta-error';

/**
 * Parses an app's environment once, at start-up. On failure the error lists
 * every variable that is wrong and what is expected of it, so one run shows
 * everything to fix rather than one problem per restart.
 */
export function parseEnv<Schema extends z.ZodType>(schema: Schema, env: Record<string, string | undefined>): z.infer<Schema> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.join('.') || '(environment)';
    return `${variable}: ${issue.message}`;
  });
  throw new FentaError('CONFIG_INVALID', { problems: problems.join('; ') }, { details: { problems } });
}

/** A TCP port number given as a string. */
export const portSchema = z.coerce
  .number({ message: 'must be a port number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 65535')
  .max(65535, 'must be between 1 and 65535');

/** A port that may be unset, or set empty, to leave what it serves off. */
export const optionalPortSchema = z.preprocess((value) => (value === '' ? undefined : value), portSchema.optional());

/** A connection URL whose scheme is one of `protocols` (e.g. `postgres:`, `redis:`). */
export function urlSchema(...protocols: string[]) {
  return z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );
}

/**
 * The base URL clients reach a service at, as links to it are written
 * (`https://api.example.com`, or under a path, `https://example.com/fenta`):
 * http or https, no credentials, query or fragment; trailing slashes dropped.
 */
export const publicUrlSchema = urlSchema('http:', 'https:')
  .refine(
    (value) => {
      // Zod runs this check even when the one above failed; a value that is no URL at all was refused there.
      const url = URL.canParse(value) ? new URL(value) : undefined;
      return !url || (url.username === '' && url.password === '' && url.search === '' && url.hash === '');
    },
    { message: 'must be a base URL without credentials, query or fragment, such as https://api.example.com' },
  )
  .transform((value) => value.replace(/\/+$/, ''));

/** An on/off variable: true or 1 is on; false, 0, empty or unset is off; anything else is an error. */
export const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''], { message: 'must be true or false' })
  .optional()
  .transform((value) => value === 'true' || value === '1');

export const logLevelSchema = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/**
 * A variable holding JSON that must match `schema`. Problems are named by
 * their path inside the value (`FENTA_PRICES.llm.gpt-4o.promptPerMillion`).
 */
export function jsonVariableSchema<Schema extends z.ZodType>(schema: Schema) {
  return z
    .string()
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

/**
 * Runs several parsers of one environment (the app's own schema, a package's
 * settings such as storage) and reports every problem of all of them in one
 * CONFIG_INVALID, so one start shows everything to fix.
 */
export function parseEnvParts<Parts extends Record<string, () => unknown>>(parts: Parts): { [K in keyof Parts]: ReturnType<Parts[K]> } {
  const problems: string[] = [];
  const parsed: Record<string, unknown> = {};
  for (const [name, parse] of Object.entries(parts)) {
    try {
      parsed[name] = parse();
    } catch (error) {
      const listed =
        error instanceof FentaError && error.code === 'CONFIG_INVALID' ? (error.details as { problems?: string[] } | undefined)?.problems : undefined;
      if (!listed) throw error;
      problems.push(...listed);
    }
  }
  if (problems.length > 0) throw new FentaError('CONFIG_INVALID', { problems: problems.join('; ') }, { details: { problems } });
  return parsed as { [K in keyof Parts]: ReturnType<Parts[K]> };
}
