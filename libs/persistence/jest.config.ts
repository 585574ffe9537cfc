export default {
  displayName: 'persistence',
  preset: '../../jest.preset.js',
  rootDir: '.',
  // Tests run against real PostgreSQL, the embedded PostgreSQL (initdb ~1 s at first start) and nats-server.
  testTimeout: 30_000,
};
