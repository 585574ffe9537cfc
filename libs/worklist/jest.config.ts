export default {
  displayName: 'worklist',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
