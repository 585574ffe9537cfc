export default {
  displayName: 'worklist-process',
  preset: '../../jest.preset.js',
  rootDir: '.',
  // Tests run against real PostgreSQL and the embedded PostgreSQL (initdb ~1 s at first start).
  testTimeout: 30_000,
};
