export default {
  displayName: 'destinations',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
