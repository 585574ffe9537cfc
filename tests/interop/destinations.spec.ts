/**
 * Destinations (the gateway as an SCU, docs/architecture.md §3): instances stored through the gateway by DCMTK
 * storescu (filesystem storage) are sent with the DestinationSender of @dicom-router/destinations to DCMTK storescp and
 * to Orthanc over TCP. Each destination receives the stored data set byte for byte (storescp in
 * bit-preserving mode, Orthanc through its REST API); a destination that is down, and one that does
 * not accept the stored transfer syntax, fail with a clear reason; queued instances share one
 * association, released when idle; the echo endpoint reports a C-ECHO's outcome and round trip;
 * a production with a bad routing rule does not start, and says which rule.
 */
import fs from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { LeadingAttributesReader, readFileMetaInformation } from '@dicom-router/dicom-data';
import type { DestinationConfig } from '@dicom-router/config';
import { createStorageLocation } from '@dicom-router/storage';
import { DeliveryError, DestinationSender } from '@dicom-router/destinations';
import { startStorescp, storescu, type StorescpPeer } from '../support/dcmtk';
import { GATEWAY_MAIN, startGateway, type GatewayHandle } from '../support/gateway';
import { startOrthanc, type OrthancPeer } from '../support/orthanc';
import { getFreePort } from '../support/ports';
import { spawnProcess } from '../support/processes';
import { syntheticInstance } from '../support/part10-files';
import { pydicomTestFile } from '../support/tools';
import { tempDir } from '../support/tmp';
import { dcmtkTlsServerArgs, makeTlsMaterial, type TlsMaterial } from '../support/tls';

const API_TOKEN = 'destinations-spec-token-0123456789';
const IMPLEMENTATION = { classUid: '2.25.100030543585475866236183110513822956206', versionName: 'DEST_TEST' };
const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
const DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1.99';

interface Sample {
  name: string;
  file: string;
  /** storescu flag proposing the file's own compressed transfer syntax. */
  flags: string[];
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
}

/** Uncompressed, implicit, RLE and JPEG 2000 objects: each must leave exactly as it was stored. */
const SAMPLE_FILES: ReadonlyArray<[string, string[]]> = [
  ['CT_small.dcm', []],
  ['MR_small_implicit.dcm', []],
  ['rtplan.dcm', []],
  ['SC_rgb_rle.dcm', ['-xr']],
  ['JPEG2000.dcm', ['-xw']],
  ['image_dfl.dcm', ['-xd']],
];

function sample(name: string, flags: string[], file = pydicomTestFile(name)): Sample {
  const bytes = fs.readFileSync(file);
  const meta = readFileMetaInformation(bytes);
  const reader = new LeadingAttributesReader(meta.transferSyntaxUid);
  reader.push(bytes.subarray(meta.dataSetOffset));
  reader.end();
  return {
    name,
    file,
    flags,
    sopClassUid: meta.mediaStorageSopClassUid,
    // storescu sends the data set's (0008,0018) as Affected SOP Instance UID, which names the object.
    sopInstanceUid: reader.result().get('SOPInstanceUID') ?? meta.mediaStorageSopInstanceUid,
    transferSyntaxUid: meta.transferSyntaxUid,
  };
}

/** The data set of a Part-10 file: everything after the File Meta group (PS3.10 §7.1). */
function dataSetOf(bytes: Buffer): Buffer {
  return bytes.subarray(readFileMetaInformation(bytes).dataSetOffset);
}

function findStoredKey(storageRoot: string, sopInstanceUid: string): string {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === `${sopInstanceUid}.dcm`) found.push(path.relative(storageRoot, full));
    }
  };
  walk(storageRoot);
  if (found.length !== 1) throw new Error(`expected one stored object for ${sopInstanceUid}, found ${found.length}`);
  return found[0].split(path.sep).join('/');
}

/** storescp names each file <modality>.<SOP Instance UID>; returns its data set and removes it. */
function takeReceived(peer: StorescpPeer, sopInstanceUid: string): Buffer | null {
  const name = peer.receivedFiles().find((f) => f.endsWith(`.${sopInstanceUid}`));
  if (!name) return null;
  const file = path.join(peer.outputDir, name);
  const bytes = fs.readFileSync(file);
  fs.rmSync(file);
  return dataSetOf(bytes);
}

function countLines(text: string, pattern: RegExp): number {
  return text.split('\n').filter((line) => pattern.test(line)).length;
}

async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('destinations: sending stored instances to real PACS', () => {
  const samples = SAMPLE_FILES.map(([name, flags]) => sample(name, flags));
  let big: Sample;
  /** One series of the same SOP class and transfer syntax, as a modality sends it. */
  let series: Sample[];
  let gateway: GatewayHandle;
  let storageRoot: string;
  let storescp: StorescpPeer;
  /** Accepts Implicit VR Little Endian only (+xi): anything stored otherwise cannot go there. */
  let implicitOnly: StorescpPeer;
  let orthanc: OrthancPeer;
  let downPort: number;
  let sender: DestinationSender;
  const destinations: DestinationConfig[] = [];

  const destination = (fields: Partial<DestinationConfig> & Pick<DestinationConfig, 'name' | 'port' | 'calledAet'>): DestinationConfig => ({
    host: '127.0.0.1',
    callingAet: 'DICOM-ROUTER',
    tls: false,
    connectTimeoutSeconds: 5,
    dimseTimeoutSeconds: 20,
    maxAssociations: 1,
    idleTimeoutSeconds: 1,
    preferredTransferSyntaxes: [],
    ...fields,
  });

  beforeAll(async () => {
    // A 6 MB instance: many PDUs at any maximum length, and more than any socket buffer holds.
    const synthetic = syntheticInstance({ pixelBytes: 6 * 1024 * 1024 });
    const bigFile = path.join(tempDir('destinations'), 'big.dcm');
    fs.writeFileSync(bigFile, synthetic.file);
    big = sample('synthetic 6 MB', [], bigFile);
    series = Array.from({ length: 8 }, (_, i) => {
      const file = path.join(path.dirname(bigFile), `series-${i}.dcm`);
      fs.writeFileSync(file, syntheticInstance({ pixelBytes: 64 * 1024 }).file);
      return sample(`series ${i}`, [], file);
    });

    // +B: storescp writes the data set exactly as received; --accept-all: any SOP class and syntax.
    storescp = await startStorescp({ aet: 'STORE-SCP', extraArgs: ['+B', '--accept-all'] });
    implicitOnly = await startStorescp({ aet: 'IMPLICIT-SCP', extraArgs: ['+B', '+xi'] });
    orthanc = await startOrthanc({ aet: 'ORTHANC' });
    downPort = await getFreePort();
    destinations.push(
      destination({ name: 'storescp', port: storescp.port, calledAet: 'STORE-SCP' }),
      destination({ name: 'implicit-only', port: implicitOnly.port, calledAet: 'IMPLICIT-SCP' }),
      destination({ name: 'orthanc', port: orthanc.dicomPort, calledAet: 'ORTHANC', maxAssociations: 2 }),
      destination({ name: 'down', port: downPort, calledAet: 'NOBODY', connectTimeoutSeconds: 2 }),
    );

    const all = [...samples, big];
    const sopClasses = [...new Set(all.map((s) => s.sopClassUid))];
    const transferSyntaxes = [...new Set([EXPLICIT_VR_LITTLE_ENDIAN, '1.2.840.10008.1.2', ...all.map((s) => s.transferSyntaxUid)])];
    gateway = await startGateway({
      production: {
        listeners: [{ name: 'main', localAet: 'DICOM-ROUTER', remoteAets: ['STORESCU'] }],
        destinations,
        routes: [{ name: 'ct-to-storescp', condition: 'modality == "CT"', destinations: ['storescp'] }],
        filers: [{ name: 'mr-to-orthanc', condition: 'modality == "MR" && attr("(0008,0070)") != ""', destination: 'orthanc' }],
        associations: [
          {
            name: 'samples',
            callingAet: 'STORESCU',
            calledAet: 'DICOM-ROUTER',
            presentationContexts: sopClasses.map((abstractSyntax) => ({ abstractSyntax, transferSyntaxes })),
          },
        ],
      },
      env: { API_TOKEN },
    });
    storageRoot = path.join(gateway.dir, 'data', 'storage');
    for (const s of all) {
      const sent = await storescu({
        port: gateway.dicomPort,
        callingAet: 'STORESCU',
        calledAet: 'DICOM-ROUTER',
        files: [s.file],
        extraArgs: ['-R', ...s.flags],
      });
      if (sent.code !== 0) throw new Error(`storescu ${s.name} → gateway failed: ${sent.stderr}`);
    }
    const sentSeries = await storescu({
      port: gateway.dicomPort,
      callingAet: 'STORESCU',
      calledAet: 'DICOM-ROUTER',
      files: series.map((s) => s.file),
    });
    if (sentSeries.code !== 0) throw new Error(`storescu series → gateway failed: ${sentSeries.stderr}`);
    sender = new DestinationSender(createStorageLocation(`file://${storageRoot}`), {
      destinations,
      implementation: IMPLEMENTATION,
    });
  }, 120_000);

  afterAll(async () => {
    await sender?.close();
    await gateway?.stop();
    await Promise.all([storescp?.stop(), implicitOnly?.stop(), orthanc?.stop()]);
  });

  it('sends each stored instance to storescp with the data set byte for byte as stored', async () => {
    for (const s of [...samples, big]) {
      const key = findStoredKey(storageRoot, s.sopInstanceUid);
      const stored = dataSetOf(fs.readFileSync(path.join(storageRoot, key)));
      const result = await sender.sendStoredInstance('storescp', key);
      expect({ name: s.name, status: result.status, outcome: result.outcome }).toEqual({ name: s.name, status: 0, outcome: 'success' });
      expect(result.durationMs).toBeGreaterThan(0);
      const received = takeReceived(storescp, s.sopInstanceUid);
      expect({ name: s.name, received: received !== null }).toEqual({ name: s.name, received: true });
      expect({ name: s.name, length: received?.length, identical: received?.equals(stored) }).toEqual({
        name: s.name,
        length: stored.length,
        identical: true,
      });
    }
  });

  it('sends each stored instance to Orthanc, which keeps the same data set', async () => {
    for (const s of samples) {
      const key = findStoredKey(storageRoot, s.sopInstanceUid);
      const stored = dataSetOf(fs.readFileSync(path.join(storageRoot, key)));
      const result = await sender.sendStoredInstance('orthanc', key);
      expect({ name: s.name, status: result.status }).toEqual({ name: s.name, status: 0 });
      const [match] = await lookup(orthanc, s.sopInstanceUid);
      expect({ name: s.name, found: match !== undefined }).toEqual({ name: s.name, found: true });
      const response = await fetch(`${orthanc.baseUrl}/instances/${match}/file`);
      expect(response.status).toBe(200);
      const file = Buffer.from(await response.arrayBuffer());
      const meta = readFileMetaInformation(file);
      expect({ name: s.name, ts: meta.transferSyntaxUid }).toEqual({ name: s.name, ts: s.transferSyntaxUid });
      // Orthanc re-deflates a Deflated Explicit VR Little Endian data set (PS3.5 A.5) with its own
      // zlib settings; what it holds is then the same data set, compressed differently.
      const same = s.transferSyntaxUid === DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN
        ? inflateRawSync(file.subarray(meta.dataSetOffset)).equals(inflateRawSync(stored))
        : file.subarray(meta.dataSetOffset).equals(stored);
      expect({ name: s.name, identical: same }).toEqual({ name: s.name, identical: true });
    }
  });

  it('fails clearly, without a response, when the destination is down', async () => {
    const key = findStoredKey(storageRoot, samples[0].sopInstanceUid);
    const attempt = sender.sendStoredInstance('down', key);
    await expect(attempt).rejects.toBeInstanceOf(DeliveryError);
    await expect(sender.sendStoredInstance('down', key)).rejects.toMatchObject({
      reason: 'unreachable',
      message: expect.stringMatching(/^down: cannot open an association: .*ECONNREFUSED/),
    });
  });

  it('fails clearly when the destination does not accept the stored transfer syntax (no conversion)', async () => {
    const explicit = samples.find((s) => s.transferSyntaxUid === EXPLICIT_VR_LITTLE_ENDIAN) as Sample;
    const key = findStoredKey(storageRoot, explicit.sopInstanceUid);
    await expect(sender.sendStoredInstance('implicit-only', key)).rejects.toMatchObject({
      reason: 'presentation-context-rejected',
      message: expect.stringContaining(
        `IMPLICIT-SCP did not accept SOP class ${explicit.sopClassUid} in the stored transfer syntax ${EXPLICIT_VR_LITTLE_ENDIAN}: transfer syntaxes not supported (result 4)`,
      ),
    });
    expect(takeReceived(implicitOnly, explicit.sopInstanceUid)).toBeNull();
    // The same destination takes what is stored in a syntax it accepts.
    const implicit = samples.find((s) => s.transferSyntaxUid === '1.2.840.10008.1.2') as Sample;
    const ok = await sender.sendStoredInstance('implicit-only', findStoredKey(storageRoot, implicit.sopInstanceUid));
    expect(ok.status).toBe(0);
    expect(takeReceived(implicitOnly, implicit.sopInstanceUid)).not.toBeNull();
  });

  it('reports an unknown destination and a key with nothing stored', async () => {
    await expect(sender.sendStoredInstance('nowhere', 'studies/1/series/2/instances/3.dcm')).rejects.toMatchObject({
      reason: 'unknown-destination',
    });
    await expect(sender.sendStoredInstance('storescp', 'studies/1/series/2/instances/3.dcm')).rejects.toMatchObject({
      reason: 'not-stored',
      message: expect.stringContaining('nothing is stored under studies/1/series/2/instances/3.dcm'),
    });
  });

  it('sends a queued series over one association on first contact', async () => {
    const fresh = new DestinationSender(createStorageLocation(`file://${storageRoot}`), { destinations, implementation: IMPLEMENTATION });
    try {
      const results = await Promise.all(series.map((s) => fresh.sendStoredInstance('storescp', findStoredKey(storageRoot, s.sopInstanceUid))));
      expect(results.map((r) => r.status)).toEqual(series.map(() => 0));
      expect(new Set(results.map((r) => r.associationId)).size).toBe(1);
      expect(fresh.pool('storescp')?.associationsOpened).toBe(1);
      for (const s of series) expect({ name: s.name, received: takeReceived(storescp, s.sopInstanceUid) !== null }).toEqual({ name: s.name, received: true });
    } finally {
      await fresh.close();
    }
  });

  it('sends queued instances of several kinds over one association and releases it once idle', async () => {
    // Idle associations from earlier tests are gone after their 1 s idle timeout.
    await waitFor(() => sender.pool('storescp')?.openAssociations === 0, 5000, 'earlier associations to be released');
    const before = sender.pool('storescp')?.associationsOpened ?? 0;
    const logBefore = storescp.process.stderr().length; // DCMTK logs to stderr
    const queued = [...samples, ...samples];
    const results = await Promise.all(
      queued.map((s) => sender.sendStoredInstance('storescp', findStoredKey(storageRoot, s.sopInstanceUid))),
    );
    expect(results.map((r) => r.status)).toEqual(queued.map(() => 0));
    expect(new Set(results.map((r) => r.associationId)).size).toBe(1);
    expect((sender.pool('storescp')?.associationsOpened ?? 0) - before).toBe(1);
    const log = (): string => storescp.process.stderr().slice(logBefore);
    expect(countLines(log(), /Association Received/)).toBe(1);
    // Released (A-RELEASE, not aborted) after the idle timeout.
    await waitFor(() => /Association Release/.test(log()), 5000, 'storescp to log the release');
    expect(sender.pool('storescp')?.openAssociations).toBe(0);
    expect(log()).not.toMatch(/Association Aborted/);
    for (const s of samples) takeReceived(storescp, s.sopInstanceUid);
  });

  describe('POST /api/v1/destinations/{name}/echo', () => {
    const echo = (name: string, token: string | null = API_TOKEN): Promise<Response> =>
      fetch(`http://127.0.0.1:${gateway.httpPort}/api/v1/destinations/${encodeURIComponent(name)}/echo`, {
        method: 'POST',
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
      });

    it('answers the C-ECHO outcome and round-trip time of a destination that is up', async () => {
      const response = await echo('storescp');
      expect(response.status).toBe(200);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ destination: 'storescp', success: true, status: 0 });
      expect(body['roundTripMs']).toEqual(expect.any(Number));
      expect(body['roundTripMs'] as number).toBeGreaterThan(0);
      expect(body['associationMs']).toEqual(expect.any(Number));
    });

    it('answers a failed outcome, with the reason, for a destination that is down', async () => {
      const response = await echo('down');
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        destination: 'down',
        success: false,
        reason: 'unreachable',
        error: expect.stringMatching(/ECONNREFUSED/),
      });
    });

    it('answers 404 for an unknown destination and 401 without the token', async () => {
      const unknown = await echo('nowhere');
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ message: 'no destination is named "nowhere"' });
      expect((await echo('storescp', null)).status).toBe(401);
      expect((await echo('storescp', 'wrong-token-0123456789')).status).toBe(401);
    });
  });

  describe('a destination that misbehaves', () => {
    const peers: StorescpPeer[] = [];
    afterAll(async () => {
      await Promise.all(peers.map((peer) => peer.stop()));
    });

    /** A sender with one destination: storescp started with `extraArgs`. */
    async function senderTo(extraArgs: string[], fields: Partial<DestinationConfig> = {}): Promise<DestinationSender> {
      const peer = await startStorescp({ aet: 'ODD-SCP', extraArgs: ['--accept-all', ...extraArgs] });
      peers.push(peer);
      return new DestinationSender(createStorageLocation(`file://${storageRoot}`), {
        destinations: [destination({ name: 'odd', port: peer.port, calledAet: 'ODD-SCP', ...fields })],
        implementation: IMPLEMENTATION,
      });
    }

    it('fails with the timeout when no C-STORE-RSP comes within the DIMSE timeout', async () => {
      const slow = await senderTo(['--sleep-during', '4'], { dimseTimeoutSeconds: 1, connectTimeoutSeconds: 2 });
      try {
        const started = Date.now();
        await expect(slow.sendStoredInstance('odd', findStoredKey(storageRoot, samples[0].sopInstanceUid))).rejects.toMatchObject({
          reason: 'timeout',
          message: 'odd: no DIMSE response within 1000 ms',
        });
        expect(Date.now() - started).toBeLessThan(3500);
      } finally {
        await slow.close();
      }
    });

    it('fails as aborted when the destination aborts while the data set arrives', async () => {
      const aborting = await senderTo(['--abort-during']);
      try {
        await expect(aborting.sendStoredInstance('odd', findStoredKey(storageRoot, big.sopInstanceUid))).rejects.toMatchObject({
          reason: 'aborted',
          message: expect.stringMatching(/^odd: association aborted/),
        });
      } finally {
        await aborting.close();
      }
    });

    it('fails as rejected when the destination refuses the association', async () => {
      const refusing = await senderTo(['--refuse']);
      try {
        await expect(refusing.sendStoredInstance('odd', findStoredKey(storageRoot, samples[0].sopInstanceUid))).rejects.toMatchObject({
          reason: 'association-rejected',
          message: expect.stringMatching(/^odd: the association was rejected \(PS3.8 Table 9-21\): association rejected: result \d, source \d, reason \d/),
        });
      } finally {
        await refusing.close();
      }
    });
  });

  describe('over TLS (PS3.15 Annex B.1)', () => {
    let tlsPeer: StorescpPeer;
    let tls: TlsMaterial;
    let tlsDestination: DestinationConfig;

    beforeAll(async () => {
      tls = await makeTlsMaterial();
      // storescp requires our client certificate and verifies it against the CA.
      tlsPeer = await startStorescp({ aet: 'TLS-SCP', extraArgs: ['+B', '--accept-all', ...dcmtkTlsServerArgs(tls)] });
      tlsDestination = destination({ name: 'tls-scp', port: tlsPeer.port, calledAet: 'TLS-SCP', tls: true });
    });

    afterAll(async () => {
      await tlsPeer?.stop();
    });

    it('sends over TLS with our client certificate, verifying the destination against TLS_CA_FILE', async () => {
      const tlsSender = new DestinationSender(createStorageLocation(`file://${storageRoot}`), {
        destinations: [tlsDestination],
        implementation: IMPLEMENTATION,
        tls: { certFile: tls.clientCert, keyFile: tls.clientKey, caFile: tls.caCert, verifyClientCertificates: true },
      });
      try {
        const ct = samples.find((s) => s.name === 'CT_small.dcm') as Sample;
        const key = findStoredKey(storageRoot, ct.sopInstanceUid);
        const result = await tlsSender.sendStoredInstance('tls-scp', key);
        expect(result.status).toBe(0);
        expect(takeReceived(tlsPeer, ct.sopInstanceUid)?.equals(dataSetOf(fs.readFileSync(path.join(storageRoot, key))))).toBe(true);
        expect(await tlsSender.echo('tls-scp')).toMatchObject({ success: true, status: 0 });
      } finally {
        await tlsSender.close();
      }
    });

    it('refuses a destination whose certificate it cannot verify', async () => {
      // No TLS_CA_FILE: the system store, which does not know the test CA.
      const untrusting = new DestinationSender(createStorageLocation(`file://${storageRoot}`), {
        destinations: [tlsDestination],
        implementation: IMPLEMENTATION,
      });
      try {
        const key = findStoredKey(storageRoot, samples[0].sopInstanceUid);
        await expect(untrusting.sendStoredInstance('tls-scp', key)).rejects.toMatchObject({
          reason: 'unreachable',
          message: expect.stringMatching(/certificate/i),
        });
      } finally {
        await untrusting.close();
      }
    });
  });

  describe('POST /api/v1/routes/dry-run', () => {
    const dryRun = (body: unknown): Promise<Response> =>
      fetch(`http://127.0.0.1:${gateway.httpPort}/api/v1/routes/dry-run`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    it('evaluates the rules for a stored instance, read from storage', async () => {
      const ct = samples.find((s) => s.name === 'CT_small.dcm') as Sample;
      const response = await dryRun({ storageKey: findStoredKey(storageRoot, ct.sopInstanceUid) });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        routes: [{ rule: 'ct-to-storescp', destinations: ['storescp'], matched: true }],
        filers: [{ rule: 'mr-to-orthanc', destinations: ['orthanc'], matched: false }],
        routeDestinations: ['storescp'],
      });
    });

    it('evaluates the rules for an instance described by hand', async () => {
      const response = await dryRun({ callingAet: 'MR01', attributes: { Modality: 'MR', '(0008,0070)': 'ACME' } });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        routes: [{ rule: 'ct-to-storescp', destinations: ['storescp'], matched: false }],
        filers: [{ rule: 'mr-to-orthanc', destinations: ['orthanc'], matched: true }],
        routeDestinations: [],
      });
    });

    it('answers 400 for an attribute name that names nothing and for a key with nothing stored', async () => {
      const badName = await dryRun({ attributes: { Modalty: 'CT' } });
      expect(badName.status).toBe(400);
      expect(await badName.json()).toMatchObject({ message: expect.stringContaining('"Modalty" is neither a PS3.6 keyword') });
      const missing = await dryRun({ storageKey: 'studies/1/series/2/instances/3.dcm' });
      expect(missing.status).toBe(400);
      expect(await missing.json()).toMatchObject({ message: 'nothing is stored under studies/1/series/2/instances/3.dcm' });
    });
  });
});

/** Orthanc ids of the instances with this SOP Instance UID (POST /tools/lookup). */
async function lookup(orthanc: OrthancPeer, sopInstanceUid: string): Promise<string[]> {
  const response = await fetch(`${orthanc.baseUrl}/tools/lookup`, { method: 'POST', body: sopInstanceUid });
  if (!response.ok) throw new Error(`Orthanc lookup: ${response.status}`);
  const found = (await response.json()) as { ID: string; Type: string }[];
  return found.filter((f) => f.Type === 'Instance').map((f) => f.ID);
}

describe('a production with a bad routing rule', () => {
  it('does not start, and names the rule with the CEL message', async () => {
    const dir = tempDir('bad-rule');
    const production = path.join(dir, 'production.yaml');
    fs.writeFileSync(
      production,
      [
        'destinations:',
        '  - { name: pacs, host: 127.0.0.1, port: 104, calledAet: PACS }',
        'routes:',
        '  - { name: ct-to-pacs, condition: \'modalty == "CT"\', destinations: [pacs] }',
        '  - { name: not-boolean, condition: \'studyDescription\', destinations: [pacs] }',
        '',
      ].join('\n'),
    );
    const proc = spawnProcess(process.execPath, [GATEWAY_MAIN], {
      name: 'gateway(bad rule)',
      cwd: dir,
      env: {
        PRODUCTION_CONFIG: production,
        DATA_DIR: path.join(dir, 'data'),
        DICOM_PORT: String(await getFreePort()),
        HTTP_PORT: String(await getFreePort()),
      },
    });
    const exit = await proc.exited;
    expect(exit.code).toBe(2);
    expect(proc.stderr()).toContain('routes[0].condition: route "ct-to-pacs": unknown variable modalty');
    expect(proc.stderr()).toContain('routes[1].condition: route "not-boolean": must evaluate to true or false, but gives the string ""');
  });
});
