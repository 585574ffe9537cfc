export default {
  displayName: 'persistence',
  preset: '../../jest.preset.js',
  rootDir: '.',
  transform: { '@electric-sql/pglite/dist/.+\\.cjs$': '<rootDir>/jest.pglite-transform.cjs' },
  transformIgnorePatterns: ['/node_modules/(?!@electric-sql/pglite/)'],
  // Tests run against real PostgreSQL, PGlite (~2 s cold start) and nats-server.
  testTimeout: 30_000,
};
