// One jest run for the whole monorepo: the services (PostgreSQL, Redis) are
// started once by the global setup and shared by every project's tests.
const os = require('node:os');
const path = require('node:path');

const workspaces = {
  core: 'packages/core',
  db: 'packages/db',
  queue: 'packages/queue',
  graph: 'packages/graph',
  jobs: 'packages/jobs',
  webhooks: 'packages/webhooks',
  pipeline: 'packages/pipeline',
  'local-services': 'packages/local-services',
  testing: 'packages/testing',
  storage: 'packages/storage',
  media: 'packages/media',
  api: 'apps/api',
  worker: 'apps/worker',
  scheduler: 'apps/scheduler',
  infra: 'infra',
};

const moduleNameMapper = Object.fromEntries(Object.entries(workspaces).map(([name, dir]) => [`^@fenta/${name}$`, path.join(__dirname, dir, 'src')]));

// ESM-only dependencies, compiled to CommonJS for jest (Node 20's jest cannot require ESM).
const esmPackages = ['content-disposition', 'cookie'];
const transformIgnorePatterns = [`/node_modules/(?!(\\.pnpm/)?(${esmPackages.join('|')})[@/])`];

const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }];

/** @type {import('jest').Config} */
module.exports = {
  // Most of a test's time is spent waiting on child processes (ffmpeg, espeak-ng,
  // PostgreSQL, the apps under test), so one worker per core keeps the cores busy;
  // jest's default leaves one core idle, which on two cores runs the suite serially.
  maxWorkers: os.availableParallelism(),
  // Per test; real renders and service restarts take seconds, never minutes.
  testTimeout: 60_000,
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  transform: { '^.+\\.ts$': swc },
  projects: Object.entries(workspaces).map(([name, dir]) => ({
    displayName: name,
    rootDir: path.join(__dirname, dir),
    testEnvironment: 'node',
    transform: { '^.+\\.[tj]s$': swc },
    transformIgnorePatterns,
    moduleNameMapper,
    testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  })),
};
