// ESLint (typescript-eslint): the rules that matter for Tandem, not style.
// `npm test` runs it after the type check.
import tseslint from 'typescript-eslint';
import tandem from './tools/eslint/tandem-plugin.js';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'bench/results/**', 'test-artifacts/**', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [tseslint.configs.base],
    languageOptions: {
      parserOptions: {
        project: ['packages/shared/tsconfig.spec.json', 'apps/api/tsconfig.json', 'apps/dashboard/tsconfig.json', 'apps/dashboard/test/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { tandem },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      'no-unreachable': 'error',
      'tandem/route-needs-access-declaration': 'error',
    },
  },
  {
    // Every query key comes from a factory (api/query-keys.ts, the portal's portalKeys), so a change can name what it refreshes.
    files: ['apps/dashboard/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "Property[key.name='queryKey'] > ArrayExpression", message: 'Take query keys from the factory in api/query-keys.ts.' },
        { selector: "CallExpression[callee.property.name=/^(invalidate|reset|refetch)Queries$/][arguments.length=0]", message: 'Refresh what the change touches (api/changes.ts), not the whole cache.' },
      ],
    },
  },
  {
    // Configuration is read once, validated, in apps/api/src/config; nothing else reads the environment.
    files: ['apps/api/src/**/*.ts', 'packages/shared/src/**/*.ts', 'apps/dashboard/src/**/*.{ts,tsx}'],
    ignores: ['apps/api/src/config/**'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through apps/api/src/config (loadConfig), not process.env.' }],
    },
  },
);
