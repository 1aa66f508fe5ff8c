import js from '@eslint/js';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/__generated__/**', '**/migrations/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through the config module.' }],
    },
  },
  {
    // The web app: hooks used by the rules, accessible markup, browser globals.
    files: ['client/src/**/*.{ts,tsx}', 'client/test/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks, 'jsx-a11y': jsxA11y },
    languageOptions: { globals: globals.browser },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      ...jsxA11y.flatConfigs.recommended.rules,
    },
  },
  {
    files: ['**/explorer/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: Object.fromEntries(
        ['window', 'location', 'document', 'sessionStorage', 'fetch', 'FormData', 'React', 'ReactDOM', 'GraphiQL'].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    files: ['**/*config.ts', '**/test/**', '**/*.test.ts', 'bench/**', 'scripts/**', '**/create-migration.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Tests read JSON answers whose shape the assertions themselves check.
    files: ['**/test/**', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
