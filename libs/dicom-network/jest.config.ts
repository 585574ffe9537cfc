export default {
  displayName: 'dicom-network',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
