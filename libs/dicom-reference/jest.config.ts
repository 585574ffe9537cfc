export default {
  displayName: 'dicom-reference',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
