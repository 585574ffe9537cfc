/**
 * The harness itself, proven against real peers before any gateway test relies on it:
 * DCMTK, dcmjs-dimse and Orthanc talk to each other on this machine, the raw peer's hand-written
 * PDUs are understood by DCMTK, and helpers fail loudly when a tool is missing.
 */
import fs from 'node:fs';
import { dimseEcho, DimseStatus } from '../support/dcmjs-dimse-client';
import { echoscu, requireTool, startStorescp, storescu, type StorescpPeer } from '../support/dcmtk';
import { startOrthanc, type OrthancPeer } from '../support/orthanc';
import { canConnect, spawnProcess, stopAll } from '../support/processes';
import {
  PduType,
  associateRq,
  cEchoRq,
  commandStatus,
  echoAssociateRq,
  expectClose,
  expectPdu,
  pduHeader,
  releaseRq,
  scriptedPeer,
  send,
  TransferSyntax,
  VERIFICATION_SOP_CLASS,
} from '../support/raw-peer';
import { dcmtkTlsClientArgs, dcmtkTlsServerArgs, makeTlsMaterial } from '../support/tls';
import { pydicomTestFile } from '../support/tools';
import { tempDir } from '../support/tmp';

afterAll(() => stopAll());

/** Running, not a zombie: a container's pid 1 may never reap an orphan, so kill(pid, 0) is not enough. */
function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

describe('missing tools fail, never skip', () => {
  it('requireTool throws naming the Debian package', () => {
    const emptyDir = tempDir('no-tools');
    expect(() => requireTool('echoscu', { searchDirs: [emptyDir] })).toThrow(/"echoscu" is not installed.*"dcmtk"/);
    expect(() => requireTool('Orthanc', { searchDirs: [emptyDir] })).toThrow(/"orthanc"/);
  });

  it('finds the tools this suite needs', () => {
    for (const tool of ['echoscu', 'storescu', 'findscu', 'storescp', 'Orthanc', 'openssl']) {
      expect(requireTool(tool)).toMatch(/^\//);
    }
  });
});

describe('process helper', () => {
  it('stop() kills the whole process group, grandchildren included', async () => {
    const proc = spawnProcess('sh', ['-c', 'sleep 300 & echo $!; wait'], { name: 'sh+sleep' });
    const deadline = Date.now() + 5000;
    while (!proc.stdout().includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const grandchild = Number(proc.stdout().trim());
    expect(grandchild).toBeGreaterThan(0);
    await proc.stop({ graceMs: 2000 });
    expect(isAlive(grandchild)).toBe(false);
  });
});

describe('DCMTK storescp as SCP', () => {
  let scp: StorescpPeer;
  beforeAll(async () => {
    scp = await startStorescp({ aet: 'STORESCP' });
  });
  afterAll(() => scp?.stop());

  it('answers echoscu', async () => {
    const r = await echoscu({ port: scp.port, calledAet: scp.aet, callingAet: 'ECHOSCU' });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('answers several echoes over one association (echoscu --repeat)', async () => {
    const r = await echoscu({ port: scp.port, calledAet: scp.aet, repeat: 20, extraArgs: ['-v'] });
    expect(r.code).toBe(0);
    expect(r.stdout.concat(r.stderr).match(/Received Echo Response \(Success\)/g)).toHaveLength(20);
  });

  it('answers a dcmjs-dimse C-ECHO', async () => {
    const r = await dimseEcho({ port: scp.port, callingAet: 'DCMJS', calledAet: scp.aet });
    expect(r.status).toBe(DimseStatus.Success);
  });

  it('receives a pydicom sample via storescu', async () => {
    const r = await storescu({ port: scp.port, calledAet: scp.aet, files: [pydicomTestFile('CT_small.dcm')] });
    expect(r.code).toBe(0);
    expect(scp.receivedFiles().length).toBe(1);
  });

  it('understands the raw peer: associate, echo, release', async () => {
    const t = await scriptedPeer(scp.port, [
      send(echoAssociateRq('RAWPEER', scp.aet)),
      expectPdu(PduType.AssociateAc, 5000),
      send(cEchoRq(1, 7)),
      expectPdu(PduType.PData, 5000),
      send(releaseRq()),
      expectPdu(PduType.ReleaseRp, 5000),
      // No expectClose: after A-RELEASE-RP the requestor closes the transport (PS3.8 §7.2, Sta13).
    ]);
    expect(t.failures).toEqual([]);
    const [ac, echoRsp] = t.pdus;
    expect(ac.accept?.contexts).toEqual([{ id: 1, result: 0, transferSyntax: TransferSyntax.ImplicitVrLittleEndian }]);
    expect(ac.accept?.maxPduLength).toBeGreaterThan(0);
    expect(echoRsp.pdvs).toHaveLength(1);
    expect(commandStatus(echoRsp.pdvs?.[0]?.data ?? Buffer.alloc(0))).toBe(0);
  });

  it('per context: rejects an unknown abstract syntax, accepts Verification', async () => {
    const t = await scriptedPeer(scp.port, [
      send(
        associateRq({
          callingAet: 'RAWPEER',
          calledAet: scp.aet,
          contexts: [
            { id: 1, abstractSyntax: '1.2.3.4.5.6.7.8.9', transferSyntaxes: [TransferSyntax.ImplicitVrLittleEndian] },
            { id: 3, abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: [TransferSyntax.ExplicitVrLittleEndian] },
          ],
        }),
      ),
      expectPdu(PduType.AssociateAc, 5000),
      send(releaseRq()),
      expectPdu(PduType.ReleaseRp, 5000),
    ]);
    expect(t.failures).toEqual([]);
    const results = Object.fromEntries((t.pdus[0].accept?.contexts ?? []).map((c) => [c.id, c.result]));
    expect(results).toEqual({ 1: 3, 3: 0 }); // 3 = abstract syntax not supported (PS3.8 Table 9-18)
  });

  it('drops a peer that sends an undefined PDU type, and keeps serving others', async () => {
    const t = await scriptedPeer(scp.port, [send(Buffer.concat([pduHeader(0x09, 4), Buffer.alloc(4)])), expectClose(5000)]);
    expect(t.failures).toEqual([]);
    expect(await canConnect(scp.port)).toBe(true);
    expect((await echoscu({ port: scp.port, calledAet: scp.aet })).code).toBe(0);
  });
});

describe('Orthanc as destination PACS', () => {
  let orthanc: OrthancPeer;
  beforeAll(async () => {
    orthanc = await startOrthanc();
  });
  afterAll(() => orthanc?.stop());

  it('reports its configured AE title over REST', async () => {
    const system = await orthanc.getJson<{ DicomAet: string; DicomPort: number }>('/system');
    expect(system).toMatchObject({ DicomAet: 'ORTHANC', DicomPort: orthanc.dicomPort });
    // Orthanc always lists its built-in "explorer.js" hook; anything else would be a loaded plugin.
    const plugins = await orthanc.getJson<string[]>('/plugins');
    expect(plugins.filter((p) => p !== 'explorer.js')).toEqual([]);
  });

  it('answers echoscu', async () => {
    const r = await echoscu({ port: orthanc.dicomPort, calledAet: orthanc.aet, callingAet: 'ECHOSCU' });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('answers a dcmjs-dimse C-ECHO', async () => {
    const r = await dimseEcho({ port: orthanc.dicomPort, callingAet: 'DCMJS', calledAet: orthanc.aet });
    expect(r.status).toBe(DimseStatus.Success);
  });

  it('stores what storescu sends', async () => {
    const r = await storescu({ port: orthanc.dicomPort, calledAet: orthanc.aet, files: [pydicomTestFile('CT_small.dcm')] });
    expect(r.code).toBe(0);
    expect(await orthanc.instances()).toHaveLength(1);
  });
});

describe('TLS material', () => {
  it('lets echoscu +tls reach storescp +tls with mutual certificate checks', async () => {
    const tls = await makeTlsMaterial();
    const scp = await startStorescp({ aet: 'TLSSCP', extraArgs: dcmtkTlsServerArgs(tls) });
    try {
      const ok = await echoscu({ port: scp.port, calledAet: scp.aet, extraArgs: dcmtkTlsClientArgs(tls) });
      expect({ code: ok.code, stderr: ok.stderr }).toEqual({ code: 0, stderr: '' });
      // Plain TCP to a TLS port must fail: proves TLS was really in use.
      const plain = await echoscu({ port: scp.port, calledAet: scp.aet, timeoutMs: 20_000 });
      expect(plain.code).not.toBe(0);
    } finally {
      await scp.stop();
    }
  });
});
