// Kept under .config/ so the repository root holds only the entries the README lists.
import jest from 'eslint-plugin-jest';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/.serverless/**', '**/.esbuild*/**', '**/.local/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      // Also a skip or focus passed around rather than called (`(ready ? describe : describe.skip)(...)`),
      // which the jest rules below do not see; a story that needs other services uses describeWithServices.
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'MemberExpression[object.name=/^(describe|it|test)$/][property.name=/^(skip|only|todo)$/]',
          message:
            'No skipped or focused tests; a story that needs services a narrow run did not start uses describeWithServices (@payflow/local-cloud/src/testing).',
        },
      ],
    },
  },
  {
    // A focused or skipped test is a test that silently stopped running in CI.
    files: ['**/test/**/*.ts'],
    plugins: { jest },
    rules: {
      'jest/no-focused-tests': 'error',
      'jest/no-disabled-tests': 'error',
    },
  },
);
