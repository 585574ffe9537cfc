import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config-error';
import { loadEnvironment } from './env';
import { DEMO_PRODUCTION_PATH } from './paths';

const cwd = mkdtempSync(join(tmpdir(), 'config-env-'));
const load = (env: NodeJS.ProcessEnv) => loadEnvironment(env, { cwd });

function issuesOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

function pemFile(name: string): string {
  const path = join(cwd, name);
  writeFileSync(path, '-----BEGIN TEST-----\n');
  return path;
}

describe('loadEnvironment defaults (embedded `npm start`)', () => {
  it('applies the docs/architecture.md §4 defaults', () => {
    expect(load({})).toEqual({
      dicomPort: 11112,
      dicomTlsPort: undefined,
      httpPort: 8080,
      httpBind: '::',
      storageLocation: `file://${cwd}/data/storage`,
      s3: undefined,
      storageModes: { file: 0o640, directory: 0o750 },
      databaseUrl: undefined,
      natsUrl: undefined,
      natsStreamReplicas: 1,
      productionConfig: DEMO_PRODUCTION_PATH,
      apiToken: undefined,
      dataDir: join(cwd, 'data'),
      logLevel: 'info',
      shutdownGraceMs: 25000,
      tls: undefined,
      dicomConnectionBudget: undefined,
    });
  });

  it('ships the demo production inside the package', () => {
    expect(DEMO_PRODUCTION_PATH).toMatch(/libs\/config\/productions\/demo\.yaml$/);
  });

  it('treats empty values as unset, as Kubernetes manifests render them', () => {
    expect(load({ DICOM_PORT: '', LOG_LEVEL: '  ', DATABASE_URL: '' })).toEqual(load({}));
  });

  it('returns a frozen object', () => {
    const env = load({ NATS_URL: 'nats://localhost:4222' });
    expect(Object.isFrozen(env)).toBe(true);
    expect(() => {
      (env as { dicomPort: number }).dicomPort = 1;
    }).toThrow(TypeError);
  });
});

describe('loadEnvironment values', () => {
  it('coerces numbers and keeps URLs', () => {
    const env = load({
      DICOM_PORT: '104',
      HTTP_PORT: '9090',
      SHUTDOWN_GRACE_MS: '0',
      LOG_LEVEL: 'debug',
      DATABASE_URL: 'postgresql://router:secret@db:5432/router',
      NATS_URL: 'nats://a:4222, nats://b:4222',
      NATS_STREAM_REPLICAS: '3',
      API_TOKEN: 'abcdefghijklmnopqrstuvwxyz012345',
    });
    expect(env).toEqual(
      expect.objectContaining({
        dicomPort: 104,
        httpPort: 9090,
        shutdownGraceMs: 0,
        logLevel: 'debug',
        databaseUrl: 'postgresql://router:secret@db:5432/router',
        natsUrl: 'nats://a:4222, nats://b:4222',
        natsStreamReplicas: 3,
        apiToken: 'abcdefghijklmnopqrstuvwxyz012345',
      }),
    );
  });

  it('binds HTTP to the address given, IPv4 or IPv6', () => {
    expect(load({ HTTP_BIND: '127.0.0.1' }).httpBind).toBe('127.0.0.1');
    expect(load({ HTTP_BIND: ' ::1 ' }).httpBind).toBe('::1');
    expect(load({ HTTP_BIND: '0.0.0.0' }).httpBind).toBe('0.0.0.0');
  });

  it('resolves paths against the working directory and DATA_DIR', () => {
    const env = load({ DATA_DIR: 'state', PRODUCTION_CONFIG: 'prod/production.yaml' });
    expect(env.dataDir).toBe(join(cwd, 'state'));
    expect(env.storageLocation).toBe(`file://${cwd}/state/storage`);
    expect(env.productionConfig).toBe(join(cwd, 'prod/production.yaml'));
  });

  it('accepts file URLs and bare directories as STORAGE_LOCATION', () => {
    expect(load({ STORAGE_LOCATION: 'file:///var/lib/router' }).storageLocation).toBe('file:///var/lib/router');
    expect(load({ STORAGE_LOCATION: '/srv/dicom' }).storageLocation).toBe('file:///srv/dicom');
    expect(load({ STORAGE_LOCATION: 'objects' }).storageLocation).toBe(`file://${cwd}/objects`);
  });

  it('reads the permission bits of stored objects and folders in octal, and refuses anything else', () => {
    expect(load({ STORAGE_FILE_MODE: '600', STORAGE_DIRECTORY_MODE: '0700' }).storageModes).toEqual({ file: 0o600, directory: 0o700 });
    expect(issuesOf({ STORAGE_FILE_MODE: '0648', STORAGE_DIRECTORY_MODE: 'rwx' })).toEqual([
      expect.stringMatching(/^STORAGE_FILE_MODE="0648": expected octal permission bits/),
      expect.stringMatching(/^STORAGE_DIRECTORY_MODE="rwx": expected octal permission bits/),
    ]);
  });

  it('takes a connection budget for the DICOM listeners', () => {
    expect(load({ DICOM_CONNECTION_BUDGET: '500' }).dicomConnectionBudget).toBe(500);
    expect(issuesOf({ DICOM_CONNECTION_BUDGET: '0' })).toEqual([expect.stringMatching(/^DICOM_CONNECTION_BUDGET="0": expected a positive integer/)]);
  });

  it('collects the S3 settings for an s3:// STORAGE_LOCATION', () => {
    const env = load({
      STORAGE_LOCATION: 's3://dicom/incoming',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: 'key',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_FORCE_PATH_STYLE: 'true',
    });
    expect(env.storageLocation).toBe('s3://dicom/incoming');
    expect(env.s3).toEqual({
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      accessKeyId: 'key',
      secretAccessKey: 'secret',
      forcePathStyle: true,
    });
  });
});

describe('loadEnvironment errors', () => {
  it('reports every bad value at once, naming the variable, the value and what is expected', () => {
    const issues = issuesOf({
      DICOM_PORT: 'abc',
      HTTP_PORT: '70000',
      LOG_LEVEL: 'loud',
      SHUTDOWN_GRACE_MS: '-1',
      STORAGE_LOCATION: 'ftp://example.com/x',
      NATS_URL: 'nats://ok:4222,http://bad',
      NATS_STREAM_REPLICAS: '7',
      DATABASE_URL: 'mysql://user:hunter2@db/router',
      API_TOKEN: 'short',
      HTTP_BIND: 'localhost',
    });
    expect(issues).toEqual([
      'DICOM_PORT="abc": expected a TCP port, an integer from 1 to 65535',
      'HTTP_PORT="70000": expected a TCP port, an integer from 1 to 65535',
      'NATS_STREAM_REPLICAS="7": expected an integer from 1 to 5',
      'API_TOKEN=(value hidden): expected at least 16 visible ASCII characters, no spaces',
      'LOG_LEVEL="loud": expected one of fatal, error, warn, info, debug, trace, silent',
      'SHUTDOWN_GRACE_MS="-1": expected milliseconds, an integer from 0 to 3600000',
      'STORAGE_LOCATION="ftp://example.com/x": expected a file:///path or s3://bucket/prefix URL, or a directory path',
      'DATABASE_URL=(value hidden): expected a postgres:// or postgresql:// URL',
      'NATS_URL="nats://ok:4222,http://bad": expected comma-separated nats://, tls://, ws:// or wss:// URLs',
      'HTTP_BIND="localhost": expected an IPv4 or IPv6 address of this host, :: for every address or 0.0.0.0 for every IPv4 one',
    ]);
  });

  it('lists all problems in the message and never echoes a credential', () => {
    let error: ConfigError | undefined;
    try {
      load({ DICOM_PORT: '0', DATABASE_URL: 'not a url with hunter2' });
    } catch (thrown) {
      error = thrown as ConfigError;
    }
    expect(error?.name).toBe('ConfigError');
    expect(error?.message).toMatch(/^Invalid configuration in environment \(2 problems\):/);
    expect(error?.message).toContain('DICOM_PORT="0"');
    expect(error?.message).toContain('DATABASE_URL=(value hidden)');
    expect(error?.message).not.toContain('hunter2');
  });

  it('hides credentials inside URLs it echoes', () => {
    expect(issuesOf({ NATS_URL: 'http://router:hunter2@nats:4222' })).toEqual([
      'NATS_URL="http://***@nats:4222": expected comma-separated nats://, tls://, ws:// or wss:// URLs',
    ]);
  });

  it('rejects the same port for two listeners', () => {
    expect(issuesOf({ DICOM_PORT: '8080' })).toEqual([
      'HTTP_PORT unset (default 8080): expected a port different from DICOM_PORT (8080)',
    ]);
  });

  it('rejects an s3:// location without a bucket and a half credential pair', () => {
    expect(issuesOf({ STORAGE_LOCATION: 's3:///prefix' })).toEqual([
      'STORAGE_LOCATION="s3:///prefix": expected an s3://bucket/prefix URL naming a bucket',
    ]);
    expect(issuesOf({ STORAGE_LOCATION: 's3://b', S3_ACCESS_KEY_ID: 'key' })).toEqual([
      'S3_SECRET_ACCESS_KEY unset: expected a value, since S3_ACCESS_KEY_ID is set',
    ]);
  });
});

describe('loadEnvironment TLS', () => {
  it('requires certificate and key when DICOM_TLS_PORT is set', () => {
    expect(issuesOf({ DICOM_TLS_PORT: '2762' })).toEqual([
      'TLS_CERT_FILE unset: expected a readable PEM file: DICOM_TLS_PORT is set',
      'TLS_KEY_FILE unset: expected a readable PEM file: DICOM_TLS_PORT is set',
    ]);
  });

  it('accepts certificate and key; client certificates are not verified without a CA', () => {
    const env = load({ DICOM_TLS_PORT: '2762', TLS_CERT_FILE: pemFile('cert.pem'), TLS_KEY_FILE: pemFile('key.pem') });
    expect(env.dicomTlsPort).toBe(2762);
    expect(env.tls).toEqual({
      certFile: join(cwd, 'cert.pem'),
      keyFile: join(cwd, 'key.pem'),
      caFile: undefined,
      verifyClientCertificates: false,
    });
  });

  it('with TLS_CA_FILE, requests and verifies client certificates', () => {
    const env = load({
      DICOM_TLS_PORT: '2762',
      TLS_CERT_FILE: 'cert.pem',
      TLS_KEY_FILE: 'key.pem',
      TLS_CA_FILE: pemFile('ca.pem'),
    });
    expect(env.tls).toEqual(expect.objectContaining({ caFile: join(cwd, 'ca.pem'), verifyClientCertificates: true }));
  });

  it('reports unreadable files and a CA without certificate and key', () => {
    pemFile('cert.pem');
    expect(issuesOf({ TLS_CERT_FILE: 'cert.pem', TLS_KEY_FILE: 'missing.pem' })).toEqual([
      `TLS_KEY_FILE="missing.pem": expected the path of a readable PEM private key file (${join(cwd, 'missing.pem')} cannot be read)`,
    ]);
    expect(issuesOf({ TLS_CA_FILE: pemFile('ca.pem') })).toEqual([
      'TLS_CERT_FILE unset: expected a readable PEM file: the TLS files go together',
      'TLS_KEY_FILE unset: expected a readable PEM file: the TLS files go together',
    ]);
  });

  it('reports TLS problems together with the others', () => {
    expect(issuesOf({ DICOM_TLS_PORT: '2762', HTTP_PORT: 'x' })).toHaveLength(3);
  });
});
