export default {
  displayName: 'dicom-data',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
