// Lint rules that keep the architecture visible: lib/ never imports UI, the browser
// never imports server code, and lib/istio stays pure (no Node, no network, no React).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      '.next/**',
      'node_modules/**',
      'next-env.d.ts',
      'test-results/**',
      'playwright-report/**',
      'e2e/cluster/*.go',
      'dist/**',
      'e2e/bench/istioctl/**',
    ],
  },
  js.configs.recommended,
  { files: ['**/*.js', '**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: globals.node } },
  { files: ['**/*.mjs'], languageOptions: { globals: globals.node } },
  ...tseslint.configs.recommended,
  {
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Playwright fixtures: `use` is not React's, and `{}` means "no fixtures needed".
    files: ['e2e/**/*.ts'],
    rules: { 'react-hooks/rules-of-hooks': 'off', 'no-empty-pattern': 'off' },
  },
  {
    files: ['lib/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/components/**', '@/components/**'], message: 'lib/ must not import UI code.' }] }],
    },
  },
  {
    files: ['lib/istio/**/*.ts'],
    ignores: ['lib/istio/**/*.test.ts', 'lib/istio/**/test/**', 'lib/istio/**/bench.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'child_process', 'http', 'https', 'net', 'os'], message: 'lib/istio is pure: no Node-only APIs.' },
            {
              group: ['react', 'react-dom', 'next', 'next/*', '@monaco-editor/*', 'monaco-editor', '@xyflow/*'],
              message: 'lib/istio is pure: no UI libraries.',
            },
            {
              group: [
                '**/k8s/**',
                '@/lib/k8s/**',
                '**/client/**',
                '@/lib/client/**',
                '**/server/**',
                '**/components/**',
                '@/components/**',
                '**/contracts/**',
                '@/lib/contracts/**',
              ],
              message: 'lib/istio depends on nothing else in the project.',
            },
            { group: ['@kubernetes/*'], message: 'lib/istio does no network I/O.' },
          ],
        },
      ],
    },
  },
  {
    files: ['components/**/*.{ts,tsx}', 'lib/client/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/lib/k8s/**', '@/lib/k8s/**', '**/lib/server/**', '@/lib/server/**', '@kubernetes/*', 'node:*'],
              message: 'Browser code reaches the cluster only through the HTTP API (lib/client).',
            },
          ],
        },
      ],
    },
  },
);
