export default {
  displayName: 'storage',
  preset: '../../jest.preset.js',
  rootDir: '.',
  // Real filesystem and a real S3 server (s3rver on loopback), some tests through a throttled link.
  testTimeout: 30_000,
};
