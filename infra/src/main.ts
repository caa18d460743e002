import { runCodegen } from './codegen/run-codegen';
import { runRender } from './render/run-render';
import { runUp } from './up/run-up';

const usage = `usage: ./fenta <command>
  up      start the whole stack on embedded defaults and render the demo short
  test    run the whole test suite against services it starts itself
  codegen regenerate the kysely types of packages/db from the migrations
  render  run a workflow file through the running stack: ./fenta render <workflow.json> [--var key=value]
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'up':
      return runUp();
    case 'codegen':
      return runCodegen();
    case 'render':
      return runRender(rest);
    default:
      process.stderr.write(command ? `unknown command: ${command}\n${usage}` : usage);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
