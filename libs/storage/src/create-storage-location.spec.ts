import { createStorageLocation } from './create-storage-location';

describe('createStorageLocation', () => {
  it('takes file URLs and bare absolute paths', () => {
    expect(createStorageLocation('file:///var/lib/router').description).toBe('file:///var/lib/router');
    expect(createStorageLocation('/var/lib/router').kind).toBe('file');
  });

  it('names bucket, prefix and endpoint without credentials', () => {
    const location = createStorageLocation('s3://images/archive/', {
      endpoint: 'http://user:secret@minio.local:9000/?x=1',
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI',
      forcePathStyle: true,
    });
    expect(location.kind).toBe('s3');
    expect(location.description).toBe('s3://images/archive via http://minio.local:9000 (path-style)');
    expect(location.description).not.toMatch(/secret|AKID|wJal/);
  });

  it.each(['relative/path', 'http://example.com/x', 's3:///prefix', 's3://bucket/a b'])('rejects %s', (url) => {
    expect(() => createStorageLocation(url)).toThrow(/STORAGE_LOCATION/);
  });
});
