import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'reports/**', 'data/**', '.nx/**', 'charts/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mjs'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // Packages are used only through their one public index.ts, and the arrows point down,
      // on two axes. Type (the layer): apps and workers are wired by the platform from
      // features (a service's procedures or a job's handler), which use data access (one
      // adapter per outside system, the image repository) and utilities; native code
      // (sharp, the vision models) is its own layer. Scope (the domain): a service reaches
      // only its own domain and the shared one, so the feed never loads sharp.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:wiring', 'type:feature', 'type:data-access', 'type:util', 'type:client'] },
            { sourceTag: 'type:worker', onlyDependOnLibsWithTags: ['type:wiring', 'type:feature', 'type:data-access', 'type:util'] },
            { sourceTag: 'type:wiring', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util', 'type:native'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:native'] },
            { sourceTag: 'type:native', onlyDependOnLibsWithTags: ['type:data-access', 'type:util'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:util'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:client', onlyDependOnLibsWithTags: ['type:feature', 'type:util'] },
            { sourceTag: 'type:test', onlyDependOnLibsWithTags: ['type:util', 'type:data-access', 'type:client', 'type:test'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:media', onlyDependOnLibsWithTags: ['scope:shared', 'scope:media'] },
            { sourceTag: 'scope:auth', onlyDependOnLibsWithTags: ['scope:shared', 'scope:auth'] },
            { sourceTag: 'scope:feed', onlyDependOnLibsWithTags: ['scope:shared', 'scope:feed'] },
            { sourceTag: 'scope:search', onlyDependOnLibsWithTags: ['scope:shared', 'scope:search'] },
            { sourceTag: 'scope:upload', onlyDependOnLibsWithTags: ['scope:shared', 'scope:media', 'scope:upload'] },
            { sourceTag: 'scope:static', onlyDependOnLibsWithTags: ['scope:shared', 'scope:static'] },
            { sourceTag: 'scope:pipeline', onlyDependOnLibsWithTags: ['scope:shared', 'scope:media', 'scope:search', 'scope:feed', 'scope:pipeline'] },
            { sourceTag: 'scope:notify', onlyDependOnLibsWithTags: ['scope:shared', 'scope:notify'] },
            { sourceTag: 'scope:admin', onlyDependOnLibsWithTags: ['scope:shared', 'scope:admin'] },
            { sourceTag: 'scope:client', onlyDependOnLibsWithTags: ['scope:shared', 'scope:auth', 'scope:feed', 'scope:search', 'scope:upload', 'scope:notify', 'scope:admin'] },
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:shared', 'scope:client', 'scope:auth', 'scope:feed', 'scope:search', 'scope:upload', 'scope:notify', 'scope:admin'] },
          ],
        },
      ],
    },
  },
  {
    // Tests and benchmarks may reach for fixtures and start apps.
    files: ['**/test/**', 'bench/**', 'packages/*/bench/**'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
);
