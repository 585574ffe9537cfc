export default {
  displayName: 'routing-rules',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
