// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Layering (README, "Architecture"): what each part may reach. ESLint keeps only the last matching setting of
 * a rule for a file, so each kind of file gets its whole list at once (`layer`), from these pieces.
 */
const layerRules = {
  database: {
    imports: [
      {
        regex: '^(knex|pg)(/|$)|\\.rows$',
        message: 'Only *.repository.ts (with its *.rows.ts) and core/src/database/ touch knex or pg.',
      },
    ],
    // A service may open a unit of work (db.transaction; the Database handle is always `db`): the SQL in it is
    // a repository's.
    syntax: [
      {
        selector:
          "MemberExpression[property.name=/^(knex|conn|url)$/]:matches([object.name='db'], [object.property.name='db'])",
        message: 'Only repositories use the database handle for SQL; a service only opens transactions.',
      },
    ],
  },
  outboundHttp: {
    imports: [
      {
        regex: '^(node:)?(https|http2|net|tls|dgram)$|^(undici|axios|node-fetch|got)$',
        allowTypeImports: true,
        message: 'Outbound HTTP goes through core/src/egress/ (EgressClient).',
      },
    ],
    paths: [
      {
        name: 'node:http',
        importNames: ['request', 'get', 'Agent'],
        message: 'Outbound HTTP goes through core/src/egress/ (EgressClient).',
      },
    ],
    globals: [{ name: 'fetch', message: 'Outbound HTTP goes through core/src/egress/ (EgressClient).' }],
    properties: [
      { object: 'http', property: 'request', message: 'Outbound HTTP goes through core/src/egress/.' },
      { object: 'http', property: 'get', message: 'Outbound HTTP goes through core/src/egress/.' },
    ],
  },
  noRepository: {
    imports: [
      {
        regex: '\\.repository$',
        // A row type is not a reach into the database.
        allowTypeImports: true,
        message:
          'Controllers, gateways, guards, strategies and the plugin runner reach no repository: ask a service.',
      },
    ],
  },
  controller: {
    imports: [
      {
        regex: '^\\.\\./[^/]+/[^/]+\\.service$|\\.gateway$|(^|/)events/',
        message: "A controller reaches only its own module's service.",
      },
    ],
  },
  time: {
    // Tests move the Clock instead of sleeping; a timer nobody stops keeps ticking into a closed database.
    properties: [
      {
        object: 'Date',
        property: 'now',
        message: 'Read the time through the injected Clock (core/src/common/clock.ts).',
      },
      {
        object: 'globalThis',
        property: 'setInterval',
        message: 'Repeating timers start through Timers (core/src/common/timers.ts).',
      },
    ],
    syntax: [
      {
        selector: "NewExpression[callee.name='Date'][arguments.length=0], CallExpression[callee.name='Date']",
        message: 'Read the time through the injected Clock (core/src/common/clock.ts): clock.date().',
      },
    ],
    globals: [
      {
        name: 'setInterval',
        message:
          'Repeating timers start through Timers (core/src/common/timers.ts), which stops them at shutdown.',
      },
    ],
  },
  sdk: {
    imports: [
      {
        regex: '^@jokkaer/(?!sdk-plugin(/|$))|^\\.\\./\\.\\.',
        message: 'The plugin SDK never imports core (nor anything outside sdk-plugin/).',
      },
    ],
  },
  plugin: {
    imports: [
      {
        regex: '^@jokkaer/(?!sdk-plugin(/|$))|^\\.\\./',
        message:
          'A plugin imports only the SDK (@jokkaer/sdk-plugin) of Jōkkær, never core or another plugin.',
      },
    ],
  },
  pluginSandbox: {
    imports: [
      {
        regex: '^node:',
        message: 'Plugin code runs in a sandbox: it reaches the host only through the SDK.',
      },
    ],
  },
  webClient: {
    imports: [
      {
        regex: '^openapi-fetch$|^(axios|ky|ofetch)$|(^|/)core/|^@jokkaer/core',
        message:
          'The web client reaches the server only through the generated API client (web/src/lib/api/).',
      },
    ],
    globals: ['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource'].map((name) => ({
      name,
      message: 'The web client reaches the server only through the generated API client (web/src/lib/api/).',
    })),
    properties: [
      { object: 'window', property: 'fetch', message: 'Use the generated API client (web/src/lib/api/).' },
      {
        object: 'navigator',
        property: 'sendBeacon',
        message: 'Use the generated API client (web/src/lib/api/).',
      },
    ],
  },
};

/** One config block giving `files` the union of the named layer rules. */
function layer(files, names, ignores = []) {
  const parts = names.map((name) => layerRules[name]);
  const all = (key) => parts.flatMap((part) => part[key] ?? []);
  // Every rule set each time, if only to 'off': a rule a later block leaves out keeps the earlier block's list.
  const restrict = (list) => (list.length > 0 ? ['error', ...list] : 'off');
  const rules = {
    'no-restricted-imports': ['error', { patterns: all('imports'), paths: all('paths') }],
    'no-restricted-globals': restrict(all('globals')),
    'no-restricted-properties': restrict(all('properties')),
    'no-restricted-syntax': restrict(all('syntax')),
  };
  return {
    files,
    ignores: ['**/*.spec.ts', '**/*.medium-spec.ts', '**/*.test.ts', '**/*.test.tsx', ...ignores],
    rules,
  };
}

const typeChecked = tseslint.configs.recommendedTypeChecked.map((config) => ({
  ...config,
  files: ['**/*.ts', '**/*.tsx'],
}));

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.data/**', 'coverage/**'] },
  js.configs.recommended,
  ...typeChecked,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Nest modules are often empty classes carrying decorators.
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  // Later blocks override earlier ones for the files they match: the general rule first, then its exceptions.
  layer(['core/src/**/*.ts'], ['database', 'outboundHttp', 'time']),
  // The one place each reads the time or starts a repeating timer.
  layer(['core/src/common/clock.ts', 'core/src/common/timers.ts'], ['database', 'outboundHttp']),
  layer(
    ['core/src/**/*.repository.ts', 'core/src/**/*.rows.ts', 'core/src/database/**'],
    ['outboundHttp', 'time'],
  ),
  layer(['core/src/egress/**'], ['database', 'time']),
  layer(
    ['core/src/**/*.gateway.ts', 'core/src/**/*.strategy.ts', 'core/src/**/*.guard.ts'],
    ['database', 'outboundHttp', 'noRepository', 'time'],
  ),
  layer(['core/src/**/*.controller.ts'], ['database', 'outboundHttp', 'noRepository', 'controller', 'time']),
  layer(
    ['core/src/plugins/plugin-runner.ts', 'core/src/plugins/runner/**'],
    ['database', 'outboundHttp', 'noRepository', 'time'],
  ),
  layer(['sdk-plugin/**/*.ts'], ['sdk']),
  layer(['plugins/**/*.ts'], ['plugin', 'pluginSandbox']),
  {
    // Plugin specs run in Node, beside the sandbox.
    files: ['plugins/**/*.spec.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: layerRules.plugin.imports }] },
  },
  layer(
    ['web/src/**/*.ts', 'web/src/**/*.tsx'],
    ['webClient'],
    ['web/src/lib/api/**', 'web/src/lib/realtime.ts'],
  ),
  {
    // Tests read JSON answers as `any` on purpose: the assertions are the type check.
    files: ['test/**', 'fixtures/**', '**/*.spec.ts', '**/*.medium-spec.ts', '**/*.test.tsx'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        setTimeout: 'readonly',
        module: 'writable',
        require: 'readonly',
      },
    },
  },
  {
    // Scripts that run in a browser page, not in Node.
    files: ['**/*.browser.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        window: 'readonly',
        location: 'readonly',
        navigator: 'readonly',
        fetch: 'readonly',
        WebSocket: 'readonly',
        RTCPeerConnection: 'readonly',
      },
    },
  },
  {
    files: ['scripts/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { __dirname: 'readonly' } },
  },
);
