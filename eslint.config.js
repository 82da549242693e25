// Lint for the whole repository. Besides the usual rules it guards the dependency rule of
// docs/ARCHITECTURE.md: domain/ imports nothing from electron/, renderer/, Electron or Vue, and
// renderer/ imports only types from domain/ and nothing from Node or Electron.
import js from '@eslint/js';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'test-results/', 'playwright-report/', 'bench-results/', 'coverage/', 'test/scratch/', '.cardops-test/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.{ts,vue}'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      eqeqeq: ['error', 'smart'],
      // Flags the `let x = default; try { x = … } catch {}` pattern, which is clear as it is.
      'no-useless-assignment': 'off',
      'preserve-caught-error': 'warn',
    },
  },
  {
    files: ['renderer/**/*.{ts,vue}', 'electron/**/*.ts', 'test/e2e/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }] },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['domain/**/*.ts', 'electron/**/*.ts', 'test/**/*.ts', 'bin/**', '*.ts'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/electron/**', '**/renderer/**'], message: 'domain/ imports nothing from electron/ or renderer/ (docs/ARCHITECTURE.md).' },
            { group: ['electron', 'electron/*', 'vue', 'pinia', '@tanstack/*'], message: 'domain/ stays free of Electron and Vue.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,vue}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/domain/**'], allowTypeImports: true, message: 'the renderer imports only types from domain/: go through the API client.' },
            { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'electron', 'electron/*', '**/electron/**'], message: 'the renderer runs in a sandboxed page: no Node, no Electron.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require', '__dirname', '__filename', 'global'],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': ['error', { html: { void: 'always', normal: 'always', component: 'always' } }],
    },
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', '**/domain/**'], message: 'the sandboxed preload may require only electron; share types through renderer/src/api/types.ts.' }] }],
    },
  },
);
