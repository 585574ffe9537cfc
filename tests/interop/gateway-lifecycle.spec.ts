/**
 * Listener settings and lifecycle: IPv6 binding, trace verbosity, graceful shutdown on SIGTERM,
 * and configuration errors reported at start.
 */
import net from 'node:net';
import {
  ClientAssociation,
  DicomClient,
  IMPLICIT_VR_LITTLE_ENDIAN,
  Status,
  VERIFICATION_SOP_CLASS,
} from '@dicom-router/dicom-network';
import { echoscu } from '../support/dcmtk';
import { GATEWAY_MAIN, startGateway, type GatewayHandle } from '../support/gateway';
import { runCommand } from '../support/processes';
import { tempDir } from '../support/tmp';
import fs from 'node:fs';
import path from 'node:path';

const verificationOnly = [{ abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: [IMPLICIT_VR_LITTLE_ENDIAN] }];

function production(overrides: Record<string, unknown> = {}) {
  return {
    listeners: [{ name: 'main', localAet: 'DICOM-ROUTER', remoteAets: ['OUR-SCU', 'ECHOSCU'], ...overrides }],
    associations: ['OUR-SCU', 'ECHOSCU'].map((calling) => ({
      name: calling,
      callingAet: calling,
      calledAet: 'DICOM-ROUTER',
      presentationContexts: verificationOnly,
    })),
  };
}

function connect(port: number, host = '127.0.0.1'): Promise<ClientAssociation> {
  return DicomClient.connect({
    host,
    port,
    connectTimeoutMs: 3000,
    callingAet: 'OUR-SCU',
    calledAet: 'DICOM-ROUTER',
    implementation: { classUid: '2.25.100030543585475866236183110513822956206', versionName: 'LIFECYCLE' },
    presentationContexts: verificationOnly,
  });
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

describe('listener settings', () => {
  let gateway: GatewayHandle | undefined;
  afterEach(async () => {
    await gateway?.stop();
    gateway = undefined;
  });

  it('bound to :: it serves IPv6 and IPv4 peers', async () => {
    gateway = await startGateway({ production: production({ bindAddress: '::' }) });
    for (const host of ['::1', '127.0.0.1']) {
      const association = await connect(gateway.dicomPort, host);
      expect((await association.echo()).status).toBe(Status.Success);
      await association.release();
    }
  });

  it('bound to 127.0.0.1 it does not answer on ::1', async () => {
    gateway = await startGateway({ production: production({ bindAddress: '127.0.0.1' }) });
    await expect(connect(gateway.dicomPort, '::1')).rejects.toThrow();
    const association = await connect(gateway.dicomPort);
    await association.release();
  });

  it('trace verbosity 2 logs every PDU and DIMSE message as structured lines', async () => {
    gateway = await startGateway({ production: production({ traceVerbosity: 2 }) });
    expect((await echoscu({ port: gateway.dicomPort, callingAet: 'ECHOSCU', calledAet: 'DICOM-ROUTER' })).code).toBe(0);
    await gateway.waitForLog((r) => r.msg === 'PDU in A-ASSOCIATE-RQ');
    await gateway.waitForLog((r) => r.msg === 'PDU out A-ASSOCIATE-AC');
    await gateway.waitForLog((r) => r.msg === 'DIMSE out C-ECHO-RSP' && typeof r.associationId === 'string');
    await gateway.waitForLog((r) => r.msg === 'PDU in A-RELEASE-RQ');
  });

  it('trace verbosity 0 logs the association lifecycle only', async () => {
    gateway = await startGateway({ production: production({ traceVerbosity: 0 }) });
    expect((await echoscu({ port: gateway.dicomPort, callingAet: 'ECHOSCU', calledAet: 'DICOM-ROUTER' })).code).toBe(0);
    await gateway.waitForLog((r) => r.msg === 'association released');
    expect(gateway.logRecords().some((r) => String(r.msg).startsWith('PDU ') || String(r.msg).startsWith('DIMSE '))).toBe(false);
  });
});

describe('graceful shutdown on SIGTERM', () => {
  it('stops accepting, lets an open association finish, and exits 0', async () => {
    const gateway = await startGateway({ production: production(), env: { SHUTDOWN_GRACE_MS: '10000' } });
    const association = await connect(gateway.dicomPort);
    process.kill(gateway.pid, 'SIGTERM');
    await gateway.waitForLog((r) => r.msg === 'shutting down DICOM listeners');
    expect(await refusesConnections(gateway.dicomPort)).toBe(true);
    // The open association still works until its user releases it.
    expect((await association.echo()).status).toBe(Status.Success);
    await association.release();
    const exit = await gateway.stop(15_000);
    expect(exit).toMatchObject({ code: 0 });
  });

  it('A-ABORTs associations still open at the deadline', async () => {
    const gateway = await startGateway({ production: production(), env: { SHUTDOWN_GRACE_MS: '1000' } });
    const association = await connect(gateway.dicomPort);
    const closed = association.closed();
    const started = Date.now();
    process.kill(gateway.pid, 'SIGTERM');
    await closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started).toBeLessThan(5000);
    await gateway.waitForLog((r) => r.msg === 'association aborted: listener shutting down');
    expect((await gateway.stop(10_000)).code).toBe(0);
  });
});

describe('configuration errors at start', () => {
  it('reports every bad value at once and exits 2', async () => {
    const dir = tempDir('bad-config');
    const file = path.join(dir, 'production.yaml');
    fs.writeFileSync(file, 'listeners:\n  - name: main\n    port: 70000\n    localAet: "A\\\\B"\n    remoteAets: ["?(("]\n');
    const result = await runCommand(process.execPath, [GATEWAY_MAIN], {
      name: 'gateway(bad config)',
      timeoutMs: 20_000,
      env: { PRODUCTION_CONFIG: file, DICOM_PORT: 'x', HTTP_PORT: '0' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/DICOM_PORT/);
    expect(result.stderr).toMatch(/HTTP_PORT/);
  });

  it('reports production.yaml problems with their JSON paths', async () => {
    const dir = tempDir('bad-production');
    const file = path.join(dir, 'production.yaml');
    fs.writeFileSync(file, 'listeners:\n  - name: main\n    port: 70000\n    localAet: "A\\\\B"\n    remoteAets: ["?(("]\n    tracing: 3\n');
    const result = await runCommand(process.execPath, [GATEWAY_MAIN], { name: 'gateway(bad production)', timeoutMs: 20_000, env: { PRODUCTION_CONFIG: file } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/listeners\[0\]\.port/);
    expect(result.stderr).toMatch(/listeners\[0\]\.localAet/);
    expect(result.stderr).toMatch(/listeners\[0\]\.remoteAets\[0\]/);
    expect(result.stderr).toMatch(/tracing/);
  });
});
