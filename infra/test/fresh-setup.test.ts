import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { redactUrl } from '@fenta/core';
import { readMigrationFiles } from '@fenta/db';
import { createTestDatabase, type TestDatabase } from '@fenta/testing';
import { runCommand, type CommandOutcome } from './run-command';

const repoRoot = path.resolve(__dirname, '..', '..');
const pinnedPnpm = path.join(repoRoot, '.fenta', 'tools', 'node_modules', '.bin', 'pnpm');
const fakeTools = ['pnpm', 'turbo', 'tsc', 'jest', 'npx'];
// The programs set-up needs from the machine (node, npm, git, bash, redis-server, ffmpeg…) live here.
const systemPath = [path.dirname(process.execPath), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/**
 * `./fenta setup` on a checkout as a clean clone has it (the files git tracks:
 * no .fenta, no node_modules, no dist), with fake pnpm, turbo, tsc, jest and
 * npx first on PATH: set-up must use its own pinned pnpm and the workspace's
 * binaries, never a tool the machine happens to have.
 */
describe('./fenta setup on a clean copy', () => {
  let root: string;
  let copy: string;
  let fakeLog: string;
  let env: Record<string, string>;
  let setup: CommandOutcome;
  let database: TestDatabase;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'fenta-fresh-setup-'));
    copy = path.join(root, 'fenta');
    fakeLog = path.join(root, 'fake-tools.log');
    const fakeBin = path.join(root, 'fake-bin');
    await mkdir(fakeBin);
    await writeFile(fakeLog, '');
    for (const tool of fakeTools) {
      const script = path.join(fakeBin, tool);
      await writeFile(script, `#!/bin/sh\necho ${tool} >> '${fakeLog}'\necho 'fake ${tool} from PATH was run; ./fenta must use its own' >&2\nexit 1\n`);
      await chmod(script, 0o755);
    }
    await copyTrackedFiles(repoRoot, copy);

    // The outer run's PATH holds its own .fenta/tools and node_modules/.bin (and a relative
    // ./node_modules/.bin from pnpm exec); none of it may reach the copy, so PATH is built here.
    const childPath = [fakeBin, ...systemPath];
    expect(childPath.filter((entry) => entry.includes('node_modules') || entry.startsWith(repoRoot))).toEqual([]);
    env = {
      PATH: childPath.join(':'),
      HOME: homedir(),
      // Everything was fetched by the outer set-up: the copy installs from npm's cache and
      // pnpm's store alone (hard links, no registry traffic), and fails if that is not so.
      npm_config_offline: 'true',
      npm_config_store_dir: await outerStoreDir(),
      ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
    };
    // About a minute on two shared cores: the install is hard links from the store; the build is most of it.
    setup = await runCommand(path.join(copy, 'fenta'), ['setup'], { cwd: copy, env });
    database = await createTestDatabase({ migrated: false });
  }, 600_000);
  afterAll(async () => {
    await database?.drop();
    await rm(root, { recursive: true, force: true });
  });

  it('installs pnpm, the dependencies and builds, without running any pnpm, turbo, tsc, jest or npx found on PATH', async () => {
    expect({ code: setup.code, stdout: setup.stdout, stderr: plain(setup.stderr) }).toEqual({
      code: 0,
      stdout: '',
      // No "installing system packages": the outer set-up did that, and apt stays untouched.
      stderr: [`fenta installing pnpm ${await pinnedPnpmVersion()}`, 'fenta installing dependencies (pnpm install --frozen-lockfile)', 'fenta ready', ''].join(
        '\n',
      ),
    });
    expect(await readFile(fakeLog, 'utf8')).toBe('');
    for (const output of [
      'apps/api/dist/main.js',
      'apps/worker/dist/main.js',
      'apps/scheduler/dist/main.js',
      'infra/dist/main.js',
      'packages/db/dist/index.js',
    ]) {
      expect((await stat(path.join(copy, output))).isFile()).toBe(true);
    }
  });

  it('then runs a command (./fenta migrate) through the same set-up check, still without them', async () => {
    const migrate = await runCommand(path.join(copy, 'fenta'), ['migrate'], { cwd: copy, env: { ...env, DATABASE_URL: database.url } });
    expect({ code: migrate.code, stderr: migrate.stderr }).toEqual({ code: 0, stderr: '' });
    const files = await readMigrationFiles();
    const messages = migrate.stdout
      .trimEnd()
      .split('\n')
      .map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).toEqual([
      `migrating ${redactUrl(database.url)}`,
      ...files.map((file) => `applied ${file.name}`),
      `applied ${files.length} migrations, 0 already applied before`,
    ]);
    expect(await database.query('SELECT count(*)::int AS applied FROM fenta_migrations')).toEqual([{ applied: files.length }]);
    expect(await readFile(fakeLog, 'utf8')).toBe('');
  }, 120_000);
});

/**
 * What a clone of the working tree would hold, with the modes: the files git tracks, as they are now, and new
 * files not yet added (none on CI); never what .gitignore keeps out (.fenta, node_modules, dist).
 */
async function copyTrackedFiles(from: string, to: string): Promise<void> {
  const list = async (...args: string[]) =>
    (await promisify(execFile)('git', ['ls-files', '-z', ...args], { cwd: from, maxBuffer: 64 * 1024 * 1024 })).stdout.split('\0').filter(Boolean);
  const deleted = new Set(await list('--deleted'));
  for (const file of await list('--cached', '--others', '--exclude-standard')) {
    if (deleted.has(file)) continue;
    await mkdir(path.dirname(path.join(to, file)), { recursive: true });
    // copyFile keeps the mode, so ./fenta stays executable.
    await copyFile(path.join(from, file), path.join(to, file));
  }
}

/** The pnpm store the outer set-up filled, asked of its pinned pnpm in its own environment (whatever HOME or XDG say). */
async function outerStoreDir(): Promise<string> {
  const { stdout } = await promisify(execFile)(pinnedPnpm, ['store', 'path'], { cwd: repoRoot });
  return stdout.trim();
}

async function pinnedPnpmVersion(): Promise<string> {
  const manifest = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { packageManager: string };
  return manifest.packageManager.replace(/^pnpm@/, '');
}

/** Without the colours of `say`. */
function plain(text: string): string {
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}
