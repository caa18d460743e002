import { readFile } from 'node:fs/promises';

/**
 * Reads a workflow file: a bare graph (`{ nodes, edges }`), or a workflow
 * (`{ graph, variables? }`) as in Fenta's data specification.
 */
export async function readGraphFile(file: string): Promise<{ graph: unknown; variables: Record<string, unknown> }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `not valid JSON (${(error as Error).message})`}`);
  }
  const record = (parsed ?? {}) as { graph?: unknown; variables?: Record<string, unknown>; nodes?: unknown };
  if (record.graph !== undefined) return { graph: record.graph, variables: record.variables ?? {} };
  return { graph: parsed, variables: {} };
}

/** `--var key=value` pairs; values that parse as JSON (numbers, objects) are taken as such. */
export function parseVariableArgs(pairs: string[]): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--var needs key=value, got "${pair}"`);
    const raw = pair.slice(at + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string
    }
    variables[pair.slice(0, at)] = value;
  }
  return variables;
}
