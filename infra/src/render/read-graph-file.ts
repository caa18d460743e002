import { readFile } from 'node:fs/promises';
import { isFentaError } from '@fenta/core';
import { builtInNodeDefinitionRegistry, validateGraph } from '@fenta/graph';
import { CommandFailure } from '../cli/command-failure';

const formatFix = 'write the workflow as JSON: a graph {"nodes": [...], "edges": [...]} or a workflow {"graph": {...}, "variables": {...}}';

/** Why a file could not be read, and what to do, for the errors a path typed by hand meets. */
const readProblems: Record<string, { reason: string; fix: string }> = {
  EISDIR: { reason: 'it is a folder', fix: 'name the workflow JSON file, not its folder' },
  EACCES: { reason: 'permission denied', fix: 'make the file readable by this user' },
  EPERM: { reason: 'permission denied', fix: 'make the file readable by this user' },
};

/**
 * Reads a workflow file: a bare graph (`{ nodes, edges }`), or a workflow
 * (`{ graph, variables? }`) as in Fenta's data specification; and checks the
 * graph against the node registry here, so a broken file is reported (every
 * problem, by path) without a running stack.
 */
export async function readGraphFile(file: string): Promise<{ graph: unknown; variables: Record<string, unknown> }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'ENOENT') throw CommandFailure.of('CLI_FILE_NOT_FOUND', {}, { file, fix: `check the path (relative paths start at ${process.cwd()})` });
    const known = readProblems[code] ?? { reason: (error as Error).message, fix: 'name a readable file' };
    throw CommandFailure.of('CLI_FILE_UNREADABLE', { reason: known.reason }, { file, fix: known.fix });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // The parser quotes the file; its line breaks stay visible as \n so the failure stays one line.
    throw CommandFailure.of('CLI_FILE_INVALID', { expected: 'JSON', reason: (error as Error).message.replace(/\n/g, '\\n') }, { file, fix: formatFix });
  }
  const notAWorkflow = (reason: string) =>
    CommandFailure.of('CLI_FILE_INVALID', { expected: 'a workflow graph or a workflow', reason }, { file, fix: formatFix });
  if (!isRecord(parsed)) throw notAWorkflow(`its top level is ${describeJson(parsed)}, not an object`);
  if (parsed.graph === undefined && parsed.nodes === undefined) throw notAWorkflow('it has neither "nodes" (a graph) nor "graph" (a workflow)');
  if (parsed.variables !== undefined && !isRecord(parsed.variables))
    throw notAWorkflow(`its "variables" is ${describeJson(parsed.variables)}, not an object of names to values`);
  const graph = parsed.graph !== undefined ? parsed.graph : parsed;
  try {
    validateGraph(graph, builtInNodeDefinitionRegistry);
  } catch (error) {
    throw isFentaError(error) ? CommandFailure.from(error, { file }) : error;
  }
  return { graph, variables: parsed.variables ?? {} };
}

/** `--var key=value` pairs; values that parse as JSON (numbers, objects) are taken as such. A malformed pair is a usage error. */
export function parseVariableArgs(pairs: string[], usage: string): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw CommandFailure.of('CLI_USAGE', { reason: `--var needs key=value, got "${pair}"` }, { fix: `run ${usage}` });
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
