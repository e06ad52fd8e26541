// Lint: ESLint's and typescript-eslint's recommended rules, with the type checker's help where it matters,
// and the architecture's boundaries (DESIGN.md, "Layout"): modules never import an edge, and code outside
// a module reaches it only through its index.ts.
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const tsRules = {
  '@typescript-eslint/no-floating-promises': 'error',
  '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
  '@typescript-eslint/await-thenable': 'error',
  '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
  '@typescript-eslint/no-explicit-any': 'off',
  '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
  eqeqeq: ['error', 'always'],
  'no-console': 'error',
};

const MODULES = readdirSync(new URL('./src/modules', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
/** Everything outside src/modules that may use a module (the edges, the composition root, the shared kernel). */
const OUTSIDE_MODULES = ['./src/*.ts', './src/core/**', './src/http/**', './src/protocols/**', './src/cli/**', './src/contracts/**', './src/db/!(schema).ts', './src/db/migrations/**'];
/** The edges: what turns the outside world into calls on the core. */
const EDGES = ['./src/http', './src/protocols', './src/cli', './src/app.ts', './src/web'];
/** Libraries only an edge may use: a module that imported one would speak a protocol instead of the domain. */
const EDGE_LIBRARIES = ['fastify', '@fastify/*', 'fastify-plugin', 'smtp-server', 'mailparser', 'commander', 'oidc-provider', 'samlify', 'radius', 'react', 'react-dom'];

const boundaries = {
  'import-x/no-cycle': ['error', { ignoreExternal: true }],
  'import-x/no-restricted-paths': [
    'error',
    {
      zones: [
        // The core knows no edge.
        { target: './src/modules', from: EDGES, message: 'Modules never import an edge (http, protocols, cli, app, web).' },
        { target: './src/core', from: EDGES, message: 'The shared kernel never imports an edge.' },
        // Each module is reached only through its index.ts, by the other modules and by everything outside them.
        ...MODULES.map((m) => ({
          target: [...OUTSIDE_MODULES, ...MODULES.filter((o) => o !== m).map((o) => `./src/modules/${o}/**`)],
          from: `./src/modules/${m}`,
          except: ['./index.ts'],
          message: `Use the ${m} module through its index.ts.`,
        })),
      ],
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'test-results/', '.cache/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    ignores: ['src/web/**'],
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: tsRules,
  },
  {
    // The web app runs in the browser and has its own tsconfig (DOM, JSX).
    files: ['src/web/**/*.{ts,tsx}'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { project: './tsconfig.web.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: tsRules,
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/web/**', '**/*.test.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.tsx', '.js'] } } },
    rules: boundaries,
  },
  {
    // Modules speak the domain: no HTTP, mail-protocol, CLI or web library inside them.
    files: ['src/modules/**/*.ts', 'src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: EDGE_LIBRARIES, message: 'Only an edge (http, protocols, cli) may use this library.' }] }],
    },
  },
  {
    files: ['bench/**/*.ts', 'test/**/*.ts', '**/*.test.ts'],
    rules: { 'no-console': 'off' },
  },
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: { ...globals.node } } },
);
