import nx from '@nx/eslint-plugin';

/**
 * Module boundaries (docs/architecture.md §2): every project carries a scope and a type tag, and a violation fails lint.
 * - type:network  the DICOM stack: no workspace imports, no NestJS, no messaging clients
 * - type:config   configuration loading: no workspace imports
 * - type:domain   pure domain code: no transport, no NestJS, no NATS
 * - type:contracts subjects, event payloads, AsyncAPI: no workspace imports, no runtime clients
 * - type:infra    adapters (messaging, storage, destinations): may use contracts, typed config, the DICOM stack, domain libs and other adapters
 * - type:app      services: may use every library of their scope and the shared scope
 * - type:e2e      cross-service tests: may use anything
 */
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/coverage', '**/*.tsbuildinfo', '**/data'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allowCircularSelfDependency: false,
          depConstraints: [
            {
              sourceTag: 'type:network',
              onlyDependOnLibsWithTags: [],
              bannedExternalImports: ['@nestjs/*', 'nats', '@nats-io/*', 'typeorm', 'pg', '@aws-sdk/*'],
            },
            { sourceTag: 'type:config', onlyDependOnLibsWithTags: [], bannedExternalImports: ['@nestjs/*', 'nats', '@nats-io/*'] },
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:domain', 'type:contracts'],
              bannedExternalImports: ['@nestjs/*', 'nats', '@nats-io/*', 'typeorm', 'pg', '@aws-sdk/*', 'node:net', 'node:tls'],
            },
            {
              sourceTag: 'type:contracts',
              onlyDependOnLibsWithTags: [],
              bannedExternalImports: ['@nestjs/*', 'nats', '@nats-io/*', 'typeorm', 'pg', '@aws-sdk/*'],
            },
            // Adapters may build on the DICOM stack, the domain and other adapters (e.g. destinations over network + storage).
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:contracts', 'type:config', 'type:network', 'type:domain', 'type:infra'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:network', 'type:config', 'type:domain', 'type:contracts', 'type:infra'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:shared', 'scope:gateway'] },
            { sourceTag: 'scope:registry', onlyDependOnLibsWithTags: ['scope:shared', 'scope:registry'] },
            { sourceTag: 'scope:worklist', onlyDependOnLibsWithTags: ['scope:shared', 'scope:worklist'] },
            { sourceTag: 'scope:router', onlyDependOnLibsWithTags: ['scope:shared', 'scope:router'] },
            { sourceTag: 'scope:filer', onlyDependOnLibsWithTags: ['scope:shared', 'scope:filer'] },
            { sourceTag: 'scope:tests', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
];
