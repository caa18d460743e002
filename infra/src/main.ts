import { CommandFailure } from './cli/command-failure';
import { describeFailure } from './cli/describe-failure';
import { runKey } from './admin/run-key';
import { runOrg } from './admin/run-org';
import { runCodegen } from './codegen/run-codegen';
import { runMigrate } from './migrate/run-migrate';
import { runRender } from './render/run-render';
import { runUp } from './up/run-up';

const commands: Record<string, { run: (argv: string[]) => Promise<number>; summary: string }> = {
  up: { run: runUp, summary: 'start the whole stack on embedded defaults and render the demo short' },
  render: {
    run: runRender,
    summary: 'run a workflow file through the API (FENTA_API_URL, or the running stack): render <workflow.json> [--var key=value ...] [--out video.mp4]',
  },
  org: { run: runOrg, summary: 'org create --name <name> --email <owner>: an org, its owner and an owner API key (printed once)' },
  key: { run: runKey, summary: 'key create|list|revoke: API keys of an org (DATABASE_URL, or the running local stack)' },
  migrate: { run: runMigrate, summary: 'apply the pending migrations to DATABASE_URL' },
  codegen: { run: runCodegen, summary: 'regenerate the kysely types of packages/db from the migrations' },
};

function usage(): string {
  return `usage: node infra/dist/main.js <command> (./fenta <command> in a checkout)\n${Object.entries(commands)
    .map(([name, { summary }]) => `  ${name.padEnd(8)}${summary}`)
    .join('\n')}\n`;
}

async function main(command: string | undefined, argv: string[]): Promise<number> {
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(usage());
    return 0;
  }
  const known = isCommand(command) ? commands[command] : undefined;
  if (!known) {
    throw CommandFailure.of(
      'CLI_USAGE',
      { reason: command === undefined ? 'no command given' : `unknown command "${command}"` },
      { fix: `run one of: ${Object.keys(commands).join(', ')} (./fenta help lists them all)` },
    );
  }
  return known.run(argv);
}

function isCommand(name: string | undefined): name is string {
  return name !== undefined && Object.hasOwn(commands, name);
}

const [command, ...argv] = process.argv.slice(2);
main(command, argv).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const debug = process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace';
    const { lines, exitCode } = describeFailure(isCommand(command) ? command : undefined, error, { debug });
    process.stderr.write(`${lines.join('\n')}\n`);
    process.exit(exitCode);
  },
);
