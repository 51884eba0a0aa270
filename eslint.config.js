// ESLint (flat config): the recommended JavaScript and typescript-eslint rules over the TypeScript
// sources. Formatting is prettier's (npm run format), not the linter's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // The few plain JavaScript files (bin/, scripts/) run on Node.
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
  },
  {
    files: ['**/*.ts'],
    rules: {
      // A rule's unused parameter names the shape it is called with; `_` marks it.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Control characters are exactly what some checks look for (records refuse them, output escapes them).
      'no-control-regex': 'off',
    },
  },
);
