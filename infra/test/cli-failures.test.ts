import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findFreePort } from '@fenta/local-services';
import { runCli } from './run-command';

const commandsFix = 'run one of: up, render, org, key, migrate, codegen (./fenta help lists them all)';

/** The failures of the command itself, `up` and `codegen`: one line each, exit 2 for usage errors, 1 otherwise. */
describe('fenta command failures', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'fenta-cli-failures-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('refuses an unknown command and no command', async () => {
    expect(await runCli(['deploy'])).toEqual({ code: 2, stdout: '', stderr: `fenta: CLI_USAGE: unknown command "deploy" — fix: ${commandsFix}\n` });
    expect(await runCli([])).toEqual({ code: 2, stdout: '', stderr: `fenta: CLI_USAGE: no command given — fix: ${commandsFix}\n` });
    expect(await runCli(['toString'])).toEqual({ code: 2, stdout: '', stderr: `fenta: CLI_USAGE: unknown command "toString" — fix: ${commandsFix}\n` });
  });

  it('lists the commands on help', async () => {
    const help = await runCli(['help']);
    expect({ code: help.code, stderr: help.stderr }).toEqual({ code: 0, stderr: '' });
    expect(help.stdout.split('\n').map((line) => line.trim().split(' ')[0])).toEqual(['usage:', 'up', 'render', 'org', 'key', 'migrate', 'codegen', '']);
  });

  it.each([['up'], ['codegen']])('%s takes no arguments', async (command) => {
    expect(await runCli([command, 'now'])).toEqual({
      code: 2,
      stdout: '',
      stderr: `fenta ${command}: CLI_USAGE: takes no arguments, got "now" — fix: run ./fenta ${command}\n`,
    });
  });

  it('up names every wrong variable', async () => {
    expect(await runCli(['up'], { FENTA_DATA_DIR: dataDir, FENTA_API_PORT: '70000', REDIS_URL: 'http://127.0.0.1' })).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'fenta up: CONFIG_INVALID: Configuration is invalid: REDIS_URL: must be a URL starting with redis:// or rediss://; FENTA_API_PORT: must be between 1 and 65535 — fix: set each variable named to a valid value (the README lists them)\n',
    });
  });

  it('up refuses a busy API port, naming the variable', async () => {
    const blocker = net.createServer();
    const port = await findFreePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const up = await runCli(['up'], { FENTA_DATA_DIR: dataDir, FENTA_API_PORT: String(port) });
      expect({ code: up.code, stderr: up.stderr }).toEqual({
        code: 1,
        stderr: `fenta up: PORT_IN_USE: Port ${port} on 127.0.0.1 is already in use (fenta api); set FENTA_API_PORT to a free port — fix: stop what listens on 127.0.0.1:${port}, or set FENTA_API_PORT to a free port\n`,
      });
    } finally {
      blocker.close();
    }
  });

  it('up reports a local service that cannot start, with its output under the line', async () => {
    // Where redis-server would keep its data there is a file: the service cannot start, PostgreSQL (given) is never reached.
    const blocked = await mkdtemp(path.join(tmpdir(), 'fenta-cli-blocked-'));
    try {
      await writeFile(path.join(blocked, 'redis'), '');
      const up = await runCli(['up'], {
        FENTA_DATA_DIR: blocked,
        DATABASE_URL: 'postgres://fenta@127.0.0.1:1/fenta',
        FENTA_API_PORT: String(await findFreePort()),
        FENTA_REDIS_PORT: String(await findFreePort()),
      });
      expect({ code: up.code, stderr: up.stderr }).toEqual({
        code: 1,
        stderr: `fenta up: SERVICE_START_FAILED: redis-server did not start: EEXIST: file already exists, mkdir '${path.join(blocked, 'redis')}' — fix: correct what the reason names (a path, a program), then run again\n`,
      });
    } finally {
      await rm(blocked, { recursive: true, force: true });
    }
  });

  it('up refuses to start a second stack on the data folder of a running one', async () => {
    // A live process whose command line looks like the supervisor's.
    const supervisor = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 60_000)', 'main.js'], { stdio: 'ignore' });
    await new Promise((resolve) => supervisor.once('spawn', resolve));
    try {
      await writeFile(path.join(dataDir, 'processes.json'), JSON.stringify({ supervisor: supervisor.pid, children: [] }));
      expect(await runCli(['up'], { FENTA_DATA_DIR: dataDir, FENTA_API_PORT: String(await findFreePort()) })).toEqual({
        code: 1,
        stdout: '',
        stderr: `fenta up: STACK_ALREADY_RUNNING: ./fenta up is already running in ${dataDir} (pid ${supervisor.pid}) — fix: stop that ./fenta up first, or set FENTA_DATA_DIR to another folder for a second stack\n`,
      });
    } finally {
      const exited = new Promise((resolve) => supervisor.once('exit', resolve));
      supervisor.kill();
      await exited;
      await rm(path.join(dataDir, 'processes.json'), { force: true });
    }
  });
});
