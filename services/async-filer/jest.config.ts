export default {
  displayName: 'async-filer',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
