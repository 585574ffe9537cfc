export default {
  displayName: 'storage-router',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
