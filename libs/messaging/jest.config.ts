export default {
  displayName: 'messaging',
  preset: '../../jest.preset.js',
  rootDir: '.',
  // Tests talk to a real nats-server; reconnect and redelivery take seconds.
  testTimeout: 30_000,
};
