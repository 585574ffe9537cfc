export default {
  displayName: 'worklist-process',
  preset: '../../jest.preset.js',
  rootDir: '.',
  // PGlite's CommonJS build needs the same rewrite as in libs/persistence (see that transform's comment).
  transform: { '@electric-sql/pglite/dist/.+\\.cjs$': '<rootDir>/../../libs/persistence/jest.pglite-transform.cjs' },
  transformIgnorePatterns: ['/node_modules/(?!@electric-sql/pglite/)'],
  // Tests run against real PostgreSQL and PGlite (~2 s cold start).
  testTimeout: 30_000,
};
