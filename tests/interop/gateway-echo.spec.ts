import net from 'node:net';
import {
  AssociationRejectedError,
  DicomClient,
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLICIT_VR_LITTLE_ENDIAN,
  Status,
  VERIFICATION_SOP_CLASS,
} from '@dicom-router/dicom-network';
import { dimseEcho } from '../support/dcmjs-dimse-client';
import { echoscu, startStorescp, type StorescpPeer } from '../support/dcmtk';
import { startGateway, type GatewayHandle } from '../support/gateway';
import { startOrthanc, type OrthancPeer } from '../support/orthanc';
import { getFreePort } from '../support/ports';
import { echoAssociateRq, expectClose, expectPdu, PduType, scriptedPeer, send } from '../support/raw-peer';
import { dcmtkTlsClientArgs, makeTlsMaterial, type TlsMaterial } from '../support/tls';
import { tempDir } from '../support/tmp';

const verificationOnly = [{ abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: [EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN] }];
const implementation = { classUid: '2.25.100030543585475866236183110513822956206', versionName: 'INTEROP_TEST' };

/** A listener with explicit LocalAET/RemoteAET checks and one association context per caller. */
const production = {
  listeners: [
    {
      name: 'main',
      localAet: 'DICOM-ROUTER',
      remoteAets: ['ECHOSCU', 'DIMSE-CLIENT', 'OUR-SCU', '?1"B".E/JD-SCU'],
      artimTimeoutSeconds: 3,
      txtimTimeoutSeconds: 5,
      maxAssociations: 300,
      traceVerbosity: 1,
    },
  ],
  associations: ['ECHOSCU', 'DIMSE-CLIENT', 'OUR-SCU', 'JD-SCU'].map((calling) => ({
    name: `${calling} verification`,
    callingAet: calling,
    calledAet: 'DICOM-ROUTER',
    presentationContexts: verificationOnly,
  })),
};

describe('dicom-gateway answers C-ECHO to real peers', () => {
  let gateway: GatewayHandle;
  let tls: TlsMaterial;

  beforeAll(async () => {
    tls = await makeTlsMaterial();
    gateway = await startGateway({ production, tls });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  it('DCMTK echoscu → our listener: success', async () => {
    const result = await echoscu({ port: gateway.dicomPort, callingAet: 'ECHOSCU', calledAet: 'DICOM-ROUTER', extraArgs: ['-v'] });
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).toMatch(/Received Echo Response \(Success\)/);
    await gateway.waitForLog((r) => r.msg === 'association accepted' && r.callingAet === 'ECHOSCU');
    await gateway.waitForLog((r) => r.msg === 'DIMSE in C-ECHO-RQ');
  });

  it('DCMTK echoscu +tls (client certificate) → our TLS listener: success', async () => {
    const result = await echoscu({
      port: gateway.tlsPort!,
      callingAet: 'ECHOSCU',
      calledAet: 'DICOM-ROUTER',
      extraArgs: ['-v', ...dcmtkTlsClientArgs(tls)],
    });
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).toMatch(/Received Echo Response \(Success\)/);
  });

  it('a TLS client without a certificate is refused by the mutual-TLS listener, and the listener stays up', async () => {
    const result = await echoscu({
      port: gateway.tlsPort!,
      callingAet: 'ECHOSCU',
      calledAet: 'DICOM-ROUTER',
      extraArgs: ['+tls', '-', '-', '+cf', tls.caCert],
    });
    expect(result.code).not.toBe(0);
    expect((await echoscu({ port: gateway.dicomPort, callingAet: 'ECHOSCU', calledAet: 'DICOM-ROUTER' })).code).toBe(0);
  });

  it('dcmjs-dimse client C-ECHO → our listener: success', async () => {
    const result = await dimseEcho({ port: gateway.dicomPort, callingAet: 'DIMSE-CLIENT', calledAet: 'DICOM-ROUTER' });
    expect(result.status).toBe(0x0000);
  });

  it('a calling AE title matched by ?Pattern/Substitution is validated as the substitute', async () => {
    const result = await echoscu({ port: gateway.dicomPort, callingAet: 'BRAVO', calledAet: 'DICOM-ROUTER' });
    expect(result.code).toBe(0);
    await gateway.waitForLog((r) => r.msg === 'association accepted' && r.callingAet === 'BRAVO');
  });

  // PS3.8 AE-8: after A-ASSOCIATE-RJ the acceptor waits (ARTIM, 3 s here) for the requestor to close.
  it('an unknown calling AE title is rejected: permanent, service-user, reason 3', async () => {
    const t = await scriptedPeer(gateway.dicomPort, [send(echoAssociateRq('STRANGER', 'DICOM-ROUTER')), expectPdu(PduType.AssociateRj, 3000), expectClose(4500)]);
    expect(t.failures).toEqual([]);
    expect(t.pdus[0].reject).toEqual({ result: 1, source: 1, reason: 3 });
    const dcmtk = await echoscu({ port: gateway.dicomPort, callingAet: 'STRANGER', calledAet: 'DICOM-ROUTER' });
    expect(dcmtk.code).not.toBe(0);
    expect(dcmtk.stdout + dcmtk.stderr).toMatch(/Calling AE Title Not Recognized/i);
  });

  it('an unknown called AE title is rejected: permanent, service-user, reason 7', async () => {
    const t = await scriptedPeer(gateway.dicomPort, [send(echoAssociateRq('ECHOSCU', 'SOMEONE-ELSE')), expectPdu(PduType.AssociateRj, 3000), expectClose(4500)]);
    expect(t.failures).toEqual([]);
    expect(t.pdus[0].reject).toEqual({ result: 1, source: 1, reason: 7 });
    const dcmtk = await echoscu({ port: gateway.dicomPort, callingAet: 'ECHOSCU', calledAet: 'SOMEONE-ELSE' });
    expect(dcmtk.stdout + dcmtk.stderr).toMatch(/Called AE Title Not Recognized/i);
  });

  it('our SCU is rejected the same way and reports the reason', async () => {
    const attempt = DicomClient.connect({
      host: '127.0.0.1',
      port: gateway.dicomPort,
      connectTimeoutMs: 3000,
      callingAet: 'NOT-LISTED',
      calledAet: 'DICOM-ROUTER',
      implementation,
      presentationContexts: verificationOnly,
    });
    await expect(attempt).rejects.toBeInstanceOf(AssociationRejectedError);
    await expect(attempt).rejects.toEqual(expect.objectContaining({ rj: { type: 'A-ASSOCIATE-RJ', result: 1, source: 1, reason: 3 } }));
  });

  it('with 200 idle connections open, a new C-ECHO still succeeds', async () => {
    const idle: net.Socket[] = [];
    try {
      for (let i = 0; i < 200; i++) {
        idle.push(
          await new Promise<net.Socket>((resolve, reject) => {
            const s = net.connect({ port: gateway.dicomPort, host: '127.0.0.1' }, () => resolve(s));
            s.on('error', reject);
          }),
        );
      }
      const started = Date.now();
      const association = await DicomClient.connect({
        host: '127.0.0.1',
        port: gateway.dicomPort,
        connectTimeoutMs: 3000,
        callingAet: 'OUR-SCU',
        calledAet: 'DICOM-ROUTER',
        implementation,
        presentationContexts: verificationOnly,
      });
      expect((await association.echo()).status).toBe(Status.Success);
      await association.release();
      expect(Date.now() - started).toBeLessThan(2000);
      expect(idle.filter((s) => !s.destroyed).length).toBe(200);
    } finally {
      for (const s of idle) s.destroy();
    }
  });
});

describe('our SCU C-ECHO → real SCPs', () => {
  let storescp: StorescpPeer | undefined;
  let orthanc: OrthancPeer | undefined;

  afterAll(async () => {
    await storescp?.stop();
    await orthanc?.stop();
  });

  async function echoWithOurScu(port: number, calledAet: string): Promise<number> {
    const association = await DicomClient.connect({
      host: '127.0.0.1',
      port,
      connectTimeoutMs: 5000,
      callingAet: 'DICOM-ROUTER',
      calledAet,
      implementation,
      presentationContexts: verificationOnly,
    });
    const { status } = await association.echo();
    await association.release();
    return status;
  }

  it('→ DCMTK storescp: success', async () => {
    storescp = await startStorescp({ aet: 'STORESCP', port: await getFreePort(), outputDir: tempDir('storescp') });
    expect(await echoWithOurScu(storescp.port, 'STORESCP')).toBe(Status.Success);
  });

  it('→ Orthanc: success', async () => {
    orthanc = await startOrthanc({ aet: 'ORTHANC' });
    expect(await echoWithOurScu(orthanc.dicomPort, 'ORTHANC')).toBe(Status.Success);
  });
});
