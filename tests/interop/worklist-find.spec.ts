import fs from 'node:fs';
import path from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { DicomClient, EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN, Status, type DimseResponse } from '@dicom-router/dicom-network';
import { readDataSet, readWorklistFile, writeDataSet, type DicomJson } from '@dicom-router/worklist';
import { runDcmtk } from '../support/dcmtk';
import { startGateway, type GatewayHandle } from '../support/gateway';
import { EventCollector, NATS_URL } from '../support/jetstream-events';
import { getFreePort } from '../support/ports';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { httpGet, spawnProcess, waitForPort, type ManagedProcess } from '../support/processes';
import { tempDir } from '../support/tmp';
import { requireTool } from '../support/tools';
import { DCMTK_EXAMPLES, MODALITY_WORKLIST_FIND, startWorklistProcess, worklistApi, type WorklistProcessHandle } from '../support/worklist';

/**
 * Modality Worklist C-FIND through the gateway, side by side with DCMTK's wlmscpfs on the same items:
 * DCMTK's example worklist and example queries, plus queries for each matching type of PS3.4
 * C.2.2.2, C-CANCEL, the match limit, and bad input. Twice, with the same assertions: the gateway
 * asking worklist-process over NATS (PostgreSQL behind it), and the all-in-one process that hosts the
 * worklist itself on its embedded database.
 */

const OUR_AET = 'DICOM-ROUTER';
const WLM_AET = 'OFFIS';
const MAX_MATCHES = 200;
const implementation = { classUid: '2.25.100030543585475866236183110513822956207', versionName: 'WORKLIST_TEST' };
const DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1.99';
const contexts = [
  { abstractSyntax: MODALITY_WORKLIST_FIND, transferSyntaxes: [EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN, DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN] },
  { abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: [EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN] },
];
const production = {
  listeners: [{ name: 'main', localAet: OUR_AET, remoteAets: ['FINDSCU', 'OUR-SCU'], artimTimeoutSeconds: 5, txtimTimeoutSeconds: 10, maxAssociations: 50 }],
  associations: ['FINDSCU', 'OUR-SCU'].map((calling) => ({ name: `${calling} worklist`, callingAet: calling, calledAet: OUR_AET, presentationContexts: contexts })),
};

interface FindRun {
  code: number | null;
  output: string;
  responses: DicomJson[];
}

const MODES = ['separate services over NATS and PostgreSQL', 'all-in-one on embedded defaults'] as const;
const WORKLIST_SETTINGS = { maxMatches: MAX_MATCHES, overLimitPolicy: 'refuse' } as const;
const ALL_IN_ONE_TOKEN = 'all-in-one-worklist-token-0123456789';

describe.each(MODES)('Modality Worklist C-FIND (%s): our gateway against DCMTK wlmscpfs', (mode) => {
  const separate = mode === MODES[0];
  let dir: string;
  let wlmscpfs: ManagedProcess;
  let wlmPort: number;
  let database: TestDatabase | undefined;
  /** Separate services: worklist-process; all-in-one: the gateway's own worklist API. */
  let worklist: Pick<WorklistProcessHandle, 'post' | 'httpPort'> & { stop?: () => Promise<unknown> };
  let gateway: GatewayHandle;
  let runs = 0;

  /** findscu -W against a peer; every response identifier read back from the files -X wrote. */
  async function find(target: 'ours' | 'dcmtk', args: readonly string[], queryFile?: string): Promise<FindRun> {
    const out = path.join(dir, `out-${++runs}`);
    fs.mkdirSync(out);
    const [port, aec] = target === 'ours' ? [gateway.dicomPort, OUR_AET] : [wlmPort, WLM_AET];
    const result = await runDcmtk('findscu', ['-v', '-W', '-X', '-od', out, '-aet', 'FINDSCU', '-aec', aec, ...args, '127.0.0.1', String(port), ...(queryFile ? [queryFile] : [])]);
    const files = fs.readdirSync(out).filter((f) => f.startsWith('rsp')).sort();
    return { code: result.code, output: result.stdout + result.stderr, responses: files.map((f) => readWorklistFile(fs.readFileSync(path.join(out, f)))) };
  }

  beforeAll(async () => {
    for (const tool of ['findscu', 'wlmscpfs', 'dump2dcm']) requireTool(tool);
    dir = tempDir('worklist-find');
    const dbDir = path.join(dir, 'wlistdb', WLM_AET);
    fs.mkdirSync(dbDir, { recursive: true });
    fs.writeFileSync(path.join(dbDir, 'lockfile'), '');
    const itemDumps = fs.readdirSync(path.join(DCMTK_EXAMPLES, 'wlistdb', 'OFFIS')).filter((f) => f.endsWith('.dump'));
    expect(itemDumps).toHaveLength(10);
    for (const dump of itemDumps) {
      // As DCMTK's wlistdb/README says: dump2dcm -g wklistN.dump wklistN.wl
      const made = await runDcmtk('dump2dcm', ['-g', path.join(DCMTK_EXAMPLES, 'wlistdb', 'OFFIS', dump), path.join(dbDir, dump.replace('.dump', '.wl'))]);
      expect(made.code).toBe(0);
    }
    fs.mkdirSync(path.join(dir, 'queries'));
    for (const dump of fs.readdirSync(path.join(DCMTK_EXAMPLES, 'wlistqry')).filter((f) => f.endsWith('.dump'))) {
      const made = await runDcmtk('dump2dcm', [path.join(DCMTK_EXAMPLES, 'wlistqry', dump), path.join(dir, 'queries', dump.replace('.dump', '.dcm'))]);
      expect(made.code).toBe(0);
    }

    wlmPort = await getFreePort();
    wlmscpfs = spawnProcess(requireTool('wlmscpfs'), ['-dfp', path.join(dir, 'wlistdb'), String(wlmPort)], { name: 'wlmscpfs', env: { TCP_NODELAY: '1' } });
    await waitForPort(wlmPort, { process: wlmscpfs, timeoutMs: 10_000 });

    if (separate) {
      database = await createTestDatabase('wl');
      worklist = await startWorklistProcess({ databaseUrl: database.url, natsUrl: NATS_URL, worklist: WORKLIST_SETTINGS });
      gateway = await startGateway({ production, env: { NATS_URL } });
    } else {
      gateway = await startGateway({ production: { ...production, worklist: WORKLIST_SETTINGS }, env: { API_TOKEN: ALL_IN_ONE_TOKEN } });
      worklist = { httpPort: gateway.httpPort, ...worklistApi(gateway.httpPort, ALL_IN_ONE_TOKEN) };
    }
    for (const file of fs.readdirSync(dbDir).filter((f) => f.endsWith('.wl')).sort()) {
      const created = await worklist.post('/api/v1/worklist/items', fs.readFileSync(path.join(dbDir, file)), 'application/dicom');
      expect(created.status).toBe(201);
    }
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await worklist?.stop?.();
    await wlmscpfs?.stop();
    await database?.drop();
  });

  const exampleQueries = Array.from({ length: 13 }, (_, n) => `wlistqry${n}`);

  it.each(exampleQueries)('DCMTK example query %s: same matches and returned attributes as wlmscpfs', async (name) => {
    const query = path.join(dir, 'queries', `${name}.dcm`);
    const [ours, theirs] = [await find('ours', [], query), await find('dcmtk', [], query)];
    expect(ours.code).toBe(0);
    expect(theirs.code).toBe(0);
    expect(comparable(ours.responses)).toEqual(comparable(theirs.responses));
    expect(ours.output).toMatch(/Received Final Find Response \(Success\)/);
  });

  it('the example queries are not vacuous: some return every item, some a subset, some none', async () => {
    const counts = await Promise.all(['wlistqry1', 'wlistqry5', 'wlistqry6'].map(async (n) => (await find('ours', [], path.join(dir, 'queries', `${n}.dcm`))).responses.length));
    expect(counts).toEqual([10, 6, 0]);
  });

  const returnKeys = [
    'PatientName',
    'PatientID',
    'AccessionNumber',
    'ScheduledProcedureStepSequence[0].Modality',
    'ScheduledProcedureStepSequence[0].ScheduledStationAETitle',
    'ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate',
    'ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartTime',
  ];
  const keyArgs = (keys: readonly string[]) => keys.flatMap((k) => ['-k', k]);
  const byMatchingType: Array<[string, string[], number]> = [
    ['universal (all keys empty)', [], 10],
    ['single value: Patient ID', ['PatientID=AV35674'], 3],
    ['wildcard *: Patient Name', ['PatientName=M*'], 2],
    ['wildcard ?: Patient Name', ['PatientName=?AYDN*'], 3],
    ['single value on a multi-valued Scheduled Station AE Title', ['ScheduledProcedureStepSequence[0].ScheduledStationAETitle=AB45'], 2],
    ['sequence matching: Modality', ['ScheduledProcedureStepSequence[0].Modality=CT'], 4],
    ['date range', ['ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate=19951001-19960131'], 4],
    ['open date range -date', ['ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate=-19951231'], 4],
    ['open date range date-', ['ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate=19960401-'], 4],
    ['time range', ['ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartTime=080000-140000'], 4],
    ['station and date together', ['ScheduledProcedureStepSequence[0].ScheduledStationAETitle=AB45', 'ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate=19960101-'], 1],
  ];

  it.each(byMatchingType)('%s: same matches and attributes as wlmscpfs', async (_label, keys, expected) => {
    const withKeys = [...keyArgs(returnKeys.filter((r) => !keys.some((k) => k.startsWith(`${r}=`)))), ...keyArgs(keys)];
    const [ours, theirs] = [await find('ours', withKeys), await find('dcmtk', withKeys)];
    expect(comparable(ours.responses)).toEqual(comparable(theirs.responses));
    expect(ours.responses).toHaveLength(expected);
  });

  it('list of UID matching: Study Instance UID with two UIDs', async () => {
    const run = await find('ours', ['-k', 'PatientName', '-k', 'StudyInstanceUID=1.2.276.0.7230010.3.2.101\\1.2.276.0.7230010.3.2.105']);
    expect(run.responses.map((r) => r['0020000D'].Value![0]).sort()).toEqual(['1.2.276.0.7230010.3.2.101', '1.2.276.0.7230010.3.2.105']);
  });

  it('combined date and time range: one date-time interval, not a daily time window', async () => {
    const all = (await find('ours', keyArgs(returnKeys))).responses.map((r) => step(r));
    const run = await find('ours', keyArgs([
      ...returnKeys.filter((k) => !k.endsWith('StartDate') && !k.endsWith('StartTime')),
      'ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate=19951015-19960406',
      'ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartTime=090000-150000',
    ]));
    const expected = all.filter((s) => `${s.date}${s.time}` >= '19951015090000' && `${s.date}${s.time}` <= '19960406150000').map((s) => s.name).sort();
    const perDayWindow = all.filter((s) => s.date >= '19951015' && s.date <= '19960406' && s.time >= '090000' && s.time <= '150000').map((s) => s.name);
    expect(run.responses.map((r) => step(r).name).sort()).toEqual(expected);
    // The data tells the two readings apart, so the assertion above can fail.
    expect(expected.length).not.toBe(perDayWindow.length);
  });

  it('Specific Character Set: ISO_IR 100 and ISO_IR 192 names are found and returned in a declared set', async () => {
    const items = [
      { '00080005': { vr: 'CS', Value: ['ISO_IR 192'] }, '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Müller^Jürgen' }] }, '00100020': { vr: 'LO', Value: ['CS-1'] }, '00400100': { vr: 'SQ', Value: [{ '00400001': { vr: 'AE', Value: ['CHARSET'] } }] } },
      { '00080005': { vr: 'CS', Value: ['ISO_IR 192'] }, '00100010': { vr: 'PN', Value: [{ Alphabetic: '山田^太郎' }] }, '00100020': { vr: 'LO', Value: ['CS-2'] }, '00400100': { vr: 'SQ', Value: [{ '00400001': { vr: 'AE', Value: ['CHARSET'] } }] } },
    ];
    expect((await worklist.post('/api/v1/worklist/items', JSON.stringify(items), 'application/dicom+json')).status).toBe(201);
    // A Latin-1 query file, as a modality configured for ISO_IR 100 sends it.
    const latin1Query = path.join(dir, 'latin1.dump');
    fs.writeFileSync(latin1Query, Buffer.from('(0008,0005) CS [ISO_IR 100]\n(0010,0010) PN [M\xfcller*]\n(0010,0020) LO []\n', 'latin1'));
    await runDcmtk('dump2dcm', [latin1Query, `${latin1Query}.dcm`]);
    const latin = await find('ours', [], `${latin1Query}.dcm`);
    expect(latin.responses).toHaveLength(1);
    expect(latin.responses[0]['00100010'].Value).toEqual([{ Alphabetic: 'Müller^Jürgen' }]);
    expect(latin.responses[0]['00080005'].Value).toEqual(['ISO_IR 100']);
    const utf8Query = path.join(dir, 'utf8.dump');
    fs.writeFileSync(utf8Query, Buffer.from('(0008,0005) CS [ISO_IR 192]\n(0010,0010) PN [山田*]\n(0010,0020) LO []\n', 'utf8'));
    await runDcmtk('dump2dcm', [utf8Query, `${utf8Query}.dcm`]);
    const utf8 = await find('ours', [], `${utf8Query}.dcm`);
    expect(utf8.responses.map((r) => r['00100020'].Value![0])).toEqual(['CS-2']);
    expect(utf8.responses[0]['00100010'].Value).toEqual([{ Alphabetic: '山田^太郎' }]);
    expect(utf8.responses[0]['00080005'].Value).toEqual(['ISO_IR 192']);
  });

  it('an optional key whose VR admits no matching gets Pending with warning FF01H', async () => {
    const run = await find('ours', ['-k', 'PatientName=VIVALDI*', '-k', 'Rows=512']);
    expect(run.responses).toHaveLength(3);
    expect(run.output).toMatch(/Received Find Response 1 \(Pending: WarningUnsupportedOptionalKeys\)/);
  });

  it('C-CANCEL mid-stream: responses stop, the final status is Cancel (FE00H)', async () => {
    const items = Array.from({ length: 150 }, (_, i) => ({
      '00100010': { vr: 'PN', Value: [{ Alphabetic: `CANCEL^PATIENT${i}` }] },
      '00100020': { vr: 'LO', Value: [`C-${i}`] },
      '00400100': { vr: 'SQ', Value: [{ '00400001': { vr: 'AE', Value: ['CANCELST'] }, '00400002': { vr: 'DA', Value: ['20261127'] } }] },
    }));
    expect((await worklist.post('/api/v1/worklist/items', JSON.stringify(items), 'application/dicom+json')).status).toBe(201);
    const keys = ['-k', 'PatientName', '-k', 'ScheduledProcedureStepSequence[0].ScheduledStationAETitle=CANCELST'];
    expect((await find('ours', keys)).responses).toHaveLength(150);
    const run = await find('ours', ['--cancel', '3', ...keys]);
    expect(run.output).toMatch(/Sending Cancel Request/);
    expect(run.output).toMatch(/Received Final Find Response \(Cancel: MatchingTerminatedDueToCancelRequest\)/);
    expect(run.responses.length).toBeGreaterThanOrEqual(3);
    expect(run.responses.length).toBeLessThan(150);
    await gateway.waitForLog((r) => r.msg === 'worklist query answered' && r.cancelled === true && r.status === Status.Cancel);
  });

  it(`a query over ${MAX_MATCHES} matches is refused with A700H before any match (policy refuse)`, async () => {
    const items = Array.from({ length: 100 }, (_, i) => ({
      '00100020': { vr: 'LO', Value: [`O-${i}`] },
      '00400100': { vr: 'SQ', Value: [{ '00400001': { vr: 'AE', Value: ['OVERST'] } }] },
    }));
    expect((await worklist.post('/api/v1/worklist/items', JSON.stringify(items), 'application/dicom+json')).status).toBe(201);
    const run = await find('ours', ['-k', 'PatientID']);
    expect(run.responses).toHaveLength(0);
    expect(run.output).toMatch(/Received Final Find Response \(Refused: OutOfResources\)/);
  });

  describe('bad input over a scripted SCU', () => {
    async function connect(transferSyntax = EXPLICIT_VR_LITTLE_ENDIAN) {
      const association = await DicomClient.connect({
        host: '127.0.0.1',
        port: gateway.dicomPort,
        callingAet: 'OUR-SCU',
        calledAet: OUR_AET,
        presentationContexts: [{ abstractSyntax: MODALITY_WORKLIST_FIND, transferSyntaxes: [transferSyntax] }, contexts[1]],
        implementation,
        connectTimeoutMs: 5_000,
        dimseTimeoutMs: 20_000,
      });
      return association;
    }
    async function send(association: Awaited<ReturnType<typeof connect>>, identifier: Buffer) {
      const pending: DimseResponse[] = [];
      const identifiers: Buffer[] = [];
      const final = await association.request(
        association.contextFor(MODALITY_WORKLIST_FIND)!.id,
        { commandField: 'C-FIND-RQ', messageId: association.allocateMessageId(), affectedSopClassUid: MODALITY_WORKLIST_FIND, priority: 0, hasDataSet: true },
        identifier,
        (rsp) => {
          pending.push(rsp);
          const chunks: Buffer[] = [];
          rsp.dataSet?.on('data', (c: Buffer) => chunks.push(c)).on('end', () => identifiers.push(Buffer.concat(chunks)));
        },
      );
      return { final: final.command as { status: number; errorComment?: string }, pending, identifiers };
    }
    const valid = writeDataSet({ '00100010': { vr: 'PN', Value: [{ Alphabetic: 'VIVALDI*' }] } }, { explicitVr: true, encoding: 'latin1' });

    it.each<[string, () => Buffer, number, RegExp]>([
      ['a VR that contradicts the dictionary', () => explicitElement(0x0010, 0x0010, 'US', Buffer.from([1, 0])), Status.DataSetDoesNotMatchSopClass, /VR US.*PN/],
      ['sequences nested 1,000 deep', () => nestedSequences(1000), Status.DataSetDoesNotMatchSopClass, /nest deeper than/],
      ['a 60,000-character Patient Name', () => explicitElement(0x0010, 0x0010, 'PN', Buffer.alloc(60_000, 0x41)), Status.DataSetDoesNotMatchSopClass, /exceeds/],
      ['a truncated element', () => valid.subarray(0, valid.length - 3), Status.CannotUnderstand, /remain|ends/],
      ['an unknown VR', () => explicitElement(0x0010, 0x0020, 'ZZ', Buffer.from('AB')), Status.CannotUnderstand, /unknown VR/],
      ['a 2 MB identifier', () => explicitLongElement(0x0040, 0x0400, 'UT', Buffer.alloc(2 * 1024 * 1024, 0x41)), Status.CannotUnderstand, /identifier/],
    ])('%s: a failure status with an Error Comment, and the association stays usable', async (_label, make, status, comment) => {
      const association = await connect();
      const bad = await send(association, make());
      expect(bad.pending).toHaveLength(0);
      expect(bad.final.status).toBe(status);
      expect(bad.final.errorComment).toMatch(comment);
      const good = await send(association, valid);
      expect(good.final.status).toBe(Status.Success);
      expect(good.pending).toHaveLength(3);
      await association.release();
    });

    it('an Implicit VR identifier is read with the dictionary and answered in Implicit VR', async () => {
      const association = await connect(IMPLICIT_VR_LITTLE_ENDIAN);
      const result = await send(association, writeDataSet({ '00100010': { vr: 'PN', Value: [{ Alphabetic: 'HAYDN*' }] } }, { explicitVr: false, encoding: 'latin1' }));
      expect(result.final.status).toBe(Status.Success);
      expect(result.pending).toHaveLength(3);
      await association.release();
    });

    it('a Deflated Explicit VR identifier is inflated, and the matches come back deflated', async () => {
      const association = await connect(DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN);
      const result = await send(association, deflateRawSync(writeDataSet({ '00100010': { vr: 'PN', Value: [{ Alphabetic: 'MOZART*' }] }, '00100020': { vr: 'LO' } }, { explicitVr: true, encoding: 'latin1' })));
      expect(result.final.status).toBe(Status.Success);
      expect(result.pending).toHaveLength(2);
      const names = result.identifiers.map((bytes) => (readDataSet(inflateRawSync(bytes), { explicitVr: true })['00100010'].Value![0] as { Alphabetic: string }).Alphabetic);
      expect(names).toEqual(['MOZART^WOLFGANG^AMADEUS', 'MOZART^WOLFGANG^AMADEUS']);
      await association.release();
    });

    // Separate services only: the all-in-one has no NATS, its events stay in the process.
    if (separate) {
      it('publishes dicom.events.worklist.queried.v1 with the match count', async () => {
        const events = await EventCollector.start();
        try {
          const association = await connect();
          await send(association, valid);
          await association.release();
          const received = await events.waitUntil((e) => e.some((x) => x.subject === 'dicom.events.worklist.queried.v1'), 10_000, 'worklist.queried');
          const queried = received.find((x) => x.subject === 'dicom.events.worklist.queried.v1')!;
          expect(queried.event.data).toMatchObject({ callingAet: 'OUR-SCU', matchCount: 3, cancelled: false });
        } finally {
          await events.close();
        }
      });
    }

    it('after all of it, the gateway and worklist-process are still ready', async () => {
      expect((await httpGet(`http://127.0.0.1:${gateway.httpPort}/health/ready`)).status).toBe(200);
      expect((await httpGet(`http://127.0.0.1:${worklist.httpPort}/health/ready`)).status).toBe(200);
    });
  });
  // Separate services only: in the all-in-one the worklist cannot be gone while the gateway runs.
  if (separate) {
    it('with worklist-process gone, a query fails with C000H and an Error Comment, and the gateway stays up', async () => {
      await worklist.stop?.();
      const run = await find('ours', ['-k', 'PatientName']);
      expect(run.responses).toHaveLength(0);
      expect(run.output).toMatch(/Received Final Find Response \(Failed: UnableToProcess\)/);
      await gateway.waitForLog((r) => r.msg === 'worklist query answered' && r.status === 0xc000 && r.errorComment === 'the worklist service did not answer');
      expect((await httpGet(`http://127.0.0.1:${gateway.httpPort}/health/live`)).status).toBe(200);
    });
  }
});

/** Response identifiers in a form both SCPs can agree on, as a sorted list of JSON strings. */
function comparable(responses: DicomJson[]): string[] {
  return responses.map((r) => JSON.stringify(normalise(r, true))).sort();
}

/**
 * Two representational differences are not differences of meaning: the Specific Character Set we
 * always declare (PS3.4 C.4.1.2.3.1) and wlmscpfs leaves out when the query did not ask for it; and
 * a requested sequence the item lacks, which we return empty and wlmscpfs leaves out.
 */
function normalise(dataSet: DicomJson, top: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(dataSet).sort()) {
    const attribute = dataSet[key];
    if (top && key === '00080005') continue;
    if (attribute.vr === 'SQ') {
      const items = (attribute.Value ?? []) as DicomJson[];
      if (items.length === 0) continue;
      out[key] = items.map((item) => normalise(item, false));
    } else out[key] = attribute;
  }
  return out;
}

function step(response: DicomJson): { name: string; date: string; time: string } {
  const sps = (response['00400100'].Value![0] as DicomJson) ?? {};
  return {
    name: `${(response['00100010'].Value?.[0] as { Alphabetic: string }).Alphabetic}/${response['00100020'].Value?.[0]}`,
    date: String(sps['00400002']?.Value?.[0] ?? ''),
    time: String(sps['00400003']?.Value?.[0] ?? '').padEnd(6, '0'),
  };
}

function explicitElement(group: number, element: number, vr: string, value: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16LE(group, 0);
  header.writeUInt16LE(element, 2);
  header.write(vr, 4, 'latin1');
  header.writeUInt16LE(value.length, 6);
  return Buffer.concat([header, value]);
}

function explicitLongElement(group: number, element: number, vr: string, value: Buffer): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16LE(group, 0);
  header.writeUInt16LE(element, 2);
  header.write(vr, 4, 'latin1');
  header.writeUInt32LE(value.length, 8);
  return Buffer.concat([header, value]);
}

/** (0040,0100) inside (0040,0100)… `depth` times, all of undefined length. */
function nestedSequences(depth: number): Buffer {
  let body = Buffer.alloc(0);
  for (let i = 0; i < depth; i++) {
    const item = Buffer.concat([Buffer.from([0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff]), body, Buffer.from([0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0])]);
    body = Buffer.concat([Buffer.from([0x40, 0x00, 0x00, 0x01, 0x53, 0x51, 0, 0, 0xff, 0xff, 0xff, 0xff]), item, Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0])]);
  }
  return body;
}
