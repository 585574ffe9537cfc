import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@dicom-router/config';
import { loadGatewaySettings } from './gateway-settings';

function productionFile(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-settings-'));
  const file = join(dir, 'production.yaml');
  writeFileSync(file, yaml);
  return file;
}

const twoListeners = productionFile(`
listeners:
  - name: main
    port: 4104
    localAet: DICOM-ROUTER
    remoteAets: ['MODALITY']
    artimTimeoutSeconds: 5
    txtimTimeoutSeconds: 7
  - name: second
    port: 4105
    localAet: SECOND
    remoteAets: ['*']
    tls: { enabled: true, port: 4106 }
associations: []
`);

describe('loadGatewaySettings', () => {
  it('applies DICOM_PORT to the first listener only and converts timers to milliseconds', () => {
    const cert = productionFile('not a real certificate');
    const settings = loadGatewaySettings({
      PRODUCTION_CONFIG: twoListeners,
      DICOM_PORT: '20000',
      TLS_CERT_FILE: cert,
      TLS_KEY_FILE: cert,
    });
    expect(settings.listeners.map((l) => [l.name, l.port, l.tls?.port])).toEqual([
      ['main', 20000, undefined],
      ['second', 4105, 4106],
    ]);
    expect(settings.listeners[0]).toMatchObject({ artimMs: 5000, txtimMs: 7000, localAet: 'DICOM-ROUTER' });
  });

  it("carries each listener's negotiation source: static unless production.yaml says registry", () => {
    const file = productionFile(`
listeners:
  - { name: fixed, port: 4104, remoteAets: ['*'] }
  - { name: asks, port: 4105, remoteAets: ['*'], negotiation: registry }
`);
    expect(loadGatewaySettings({ PRODUCTION_CONFIG: file }).listeners.map((l) => [l.name, l.negotiation])).toEqual([
      ['fixed', 'static'],
      ['asks', 'registry'],
    ]);
  });

  it('refuses a TLS listener without certificate files, naming the listener', () => {
    expect(() => loadGatewaySettings({ PRODUCTION_CONFIG: twoListeners })).toThrow(ConfigError);
    expect(() => loadGatewaySettings({ PRODUCTION_CONFIG: twoListeners })).toThrow(/listeners\[1\] \(second\): TLS on port 4106/);
  });

  it('reports a malformed RemoteAET pattern together with the other problems of the file', () => {
    const bad = productionFile(`
listeners:
  - name: main
    localAet: THIS-AE-TITLE-IS-TOO-LONG
    remoteAets: ['?1"B'] 
associations: []
`);
    let error: unknown;
    try {
      loadGatewaySettings({ PRODUCTION_CONFIG: bad });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.join('\n');
    expect(issues).toMatch(/listeners\[0\]\.localAet/);
    expect(issues).toMatch(/remoteAets\[0\]: pattern/);
  });
});
