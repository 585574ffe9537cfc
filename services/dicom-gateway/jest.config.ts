export default {
  displayName: 'dicom-gateway',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
