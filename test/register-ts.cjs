// Lets `node` run the repository's TypeScript directly (`node -r ./test/register-ts.cjs file.ts`), for the
// benchmarks and for tests that need a process of their own:
// .ts files are compiled to CommonJS with @swc/core as they are required, and
// `@fenta/<name>` resolves to the package's sources, as it does under jest.
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '..');
const workspaces = {
  core: 'packages/core',
  db: 'packages/db',
  queue: 'packages/queue',
  graph: 'packages/graph',
  jobs: 'packages/jobs',
  pipeline: 'packages/pipeline',
  'local-services': 'packages/local-services',
  testing: 'packages/testing',
  storage: 'packages/storage',
};

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveFenta(request, parent, ...rest) {
  const match = /^@fenta\/([\w-]+)$/.exec(request);
  if (match && workspaces[match[1]]) request = path.join(root, workspaces[match[1]], 'src', 'index.ts');
  try {
    return resolveFilename.call(this, request, parent, ...rest);
  } catch (error) {
    // Sources import each other without extensions; try the .ts file.
    if (request.startsWith('.') && parent?.filename) {
      const candidate = path.resolve(path.dirname(parent.filename), `${request}.ts`);
      if (fs.existsSync(candidate)) return candidate;
      const index = path.resolve(path.dirname(parent.filename), request, 'index.ts');
      if (fs.existsSync(index)) return index;
    }
    throw error;
  }
};

require.extensions['.ts'] = function compileTs(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
