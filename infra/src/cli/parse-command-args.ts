import { parseArgs } from 'node:util';
import { CommandFailure } from './command-failure';

type OptionSpec = { type: 'string' | 'boolean'; multiple?: boolean };

/** The values parsed for `Options`: a string (or strings) per string option, a boolean per flag; absent when not given. */
export type OptionValues<Options extends Record<string, OptionSpec>> = {
  [Name in keyof Options]?: Options[Name] extends { type: 'string' }
    ? Options[Name] extends { multiple: true }
      ? string[]
      : string
    : Options[Name] extends { multiple: true }
      ? boolean[]
      : boolean;
};

/** What a command accepts. */
export interface CommandArgsSpec<Options extends Record<string, OptionSpec>> {
  /** How to call it, e.g. `./fenta render <workflow.json> [--var key=value ...]`; the fix of every usage error. */
  usage: string;
  options?: Options;
  /** How many arguments it takes, and what they are called in messages (`a workflow file`). */
  positionals?: { min: number; max: number; name: string };
}

/**
 * node:util's parseArgs, with every mistake (an unknown option, an option
 * without its value, too few or too many arguments) a CLI_USAGE failure
 * naming it, instead of parseArgs' own multi-sentence errors.
 */
export function parseCommandArgs<const Options extends Record<string, OptionSpec> = Record<never, OptionSpec>>(
  argv: string[],
  spec: CommandArgsSpec<Options>,
): { values: OptionValues<Options>; positionals: string[] } {
  const options = (spec.options ?? {}) as Options;
  const usage = (reason: string) => CommandFailure.of('CLI_USAGE', { reason }, { fix: `run ${spec.usage}` });
  const loose = parseArgs({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  for (const token of loose.tokens) {
    if (token.kind !== 'option') continue;
    const option = options[token.name];
    if (!option) throw usage(`unknown option ${token.rawName}`);
    if (option.type === 'string' && token.value === undefined) throw usage(`${token.rawName} needs a value`);
    if (option.type === 'boolean' && token.value !== undefined) throw usage(`${token.rawName} takes no value`);
  }
  const parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  const { min, max, name } = spec.positionals ?? { min: 0, max: 0, name: 'nothing' };
  const given = parsed.positionals;
  const listed = given.map((value) => `"${value}"`).join(' ');
  if (max === 0 && given.length > 0) throw usage(`takes no arguments, got ${listed}`);
  if (given.length < min) throw usage(`expected ${name}, got none`);
  if (given.length > max) throw usage(`expected ${name} only, got ${given.length}: ${listed}`);
  return { values: parsed.values, positionals: given };
}
