// Lint rules for every workspace package; each package runs `eslint src` with this file.
// The rules are type-aware (a floating promise, an unsafe `any`, a promise where a callback
// was expected are caught), and the import boundaries of the layout are enforced here.
const tseslint = require('typescript-eslint');

const appPackages = ['@fenta/api', '@fenta/worker', '@fenta/scheduler', '@fenta/infra'];

/** A `no-restricted-imports` rule refusing `packages` and the relative paths that reach `folders`, with why. */
function refuse(packages, folders, message) {
  return [
    'error',
    {
      paths: packages.map((name) => ({ name, message })),
      patterns: folders.map((folder) => ({ group: [`**/${folder}/**`, `**/${folder}`], message })),
    },
  ];
}

module.exports = tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/*.generated.ts'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      // An async function that awaits nothing is how an interface's promise is met simply.
      '@typescript-eslint/require-await': 'off',
      // Abort reasons and caught errors pass through as they are; a literal that is not an Error is still refused.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
    },
  },
  {
    // Tests stub async interfaces with functions that need no await.
    files: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-unsafe-argument': 'off' },
  },
  {
    // Packages are the logic; apps deploy it. A package never reaches into an app.
    files: ['packages/**/*.ts'],
    rules: { 'no-restricted-imports': refuse(appPackages, ['apps', 'infra'], 'packages never import apps: move the code into a package') },
  },
  {
    // The API and the scheduler create jobs and validate graphs from the node definitions
    // (@fenta/graph, @fenta/jobs); node implementations and providers stay in the worker.
    files: [
      'apps/api/**/*.ts',
      'apps/scheduler/**/*.ts',
      'packages/graph/**/*.ts',
      'packages/jobs/**/*.ts',
      'packages/db/**/*.ts',
      'packages/queue/**/*.ts',
      'packages/core/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': refuse(
        [...appPackages, '@fenta/pipeline'],
        ['apps', 'infra', 'pipeline'],
        'node implementations load only in the worker: use @fenta/graph and @fenta/jobs',
      ),
    },
  },
);
