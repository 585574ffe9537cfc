import AdmZip from 'adm-zip';
import { buildQuery, FindStatus, matchItem, writeDataSet, type DicomJson, type WorklistFindMessage } from '@dicom-router/worklist';
import { FindWorklist } from './application/find-worklist/find-worklist.use-case';
import { WORKLIST_ITEMS, type WorklistItems } from './application/worklist-items.port';
import { generateWorklistItems } from '@dicom-router/worklist';
import { createTestDatabase, startWorklist, type RunningWorklist, type TestDatabase } from './__fixtures__/worklist-server';

const ITEMS = '/api/v1/worklist/items';
const JSON_TYPE = 'application/dicom+json';
const item = (patientId: string, station = 'CT01', date = '20261127'): DicomJson => ({
  '00100010': { vr: 'PN', Value: [{ Alphabetic: `Doe^${patientId}` }] },
  '00100020': { vr: 'LO', Value: [patientId] },
  '00400100': { vr: 'SQ', Value: [{ '00400001': { vr: 'AE', Value: [station] }, '00400002': { vr: 'DA', Value: [date] }, '00080060': { vr: 'CS', Value: ['CT'] } }] },
});

/** A Part-10 file as dump2dcm writes it: preamble, DICM, File Meta Information, data set. */
function part10(dataSet: DicomJson): Buffer {
  const body = writeDataSet(dataSet, { explicitVr: true, encoding: 'latin1' });
  const meta = writeDataSet(
    {
      '00020001': { vr: 'OB', InlineBinary: Buffer.from([0, 1]).toString('base64') },
      '00020002': { vr: 'UI', Value: ['1.2.276.0.7230010.3.1.0.1'] },
      '00020003': { vr: 'UI', Value: ['2.25.1234'] },
      '00020010': { vr: 'UI', Value: ['1.2.840.10008.1.2.1'] },
    },
    { explicitVr: true, encoding: 'latin1' },
  );
  const groupLength = writeDataSet({ '00020000': { vr: 'UL', Value: [meta.length] } }, { explicitVr: true, encoding: 'latin1' });
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), groupLength, meta, body]);
}

async function collect(finder: FindWorklist, identifier: DicomJson, signal = new AbortController().signal): Promise<WorklistFindMessage[]> {
  const out: WorklistFindMessage[] = [];
  for await (const m of finder.find({ identifier, associationId: 'a', callingAet: 'X', calledAet: 'Y' }, signal)) out.push(m);
  return out;
}

let pg: TestDatabase;
let api: RunningWorklist;

beforeAll(async () => {
  pg = await createTestDatabase();
  api = await startWorklist({ databaseUrl: pg.url, find: { maxMatches: 50 } });
});

afterAll(async () => {
  await api?.stop();
  await pg?.drop();
});

afterEach(async () => {
  await api.worklist.database.run((m) => m.query('DELETE FROM worklist_item'));
});

describe('REST /api/v1/worklist/items', () => {
  it('creates from DICOM JSON and from a Part-10 file, then gets, lists, replaces and deletes', async () => {
    const created = await api.call('POST', ITEMS, JSON.stringify([item('P1'), item('P2')]), JSON_TYPE);
    expect(created.status).toBe(201);
    expect(created.body.items).toHaveLength(2);
    const file = await api.call('POST', ITEMS, part10(item('P3')), 'application/dicom');
    expect(file.status).toBe(201);
    expect(file.body.items[0].attributes['00100020']).toEqual({ vr: 'LO', Value: ['P3'] });
    const id = created.body.items[0].id as string;
    expect((await api.call('GET', `${ITEMS}/${id}`)).body.attributes['00100020'].Value).toEqual(['P1']);
    expect((await api.call('GET', `${ITEMS}?limit=2`)).body).toMatchObject({ total: 3, items: [{}, {}] });
    const replaced = await api.call('PUT', `${ITEMS}/${id}`, JSON.stringify(item('P1-NEW', 'MR01')), JSON_TYPE);
    expect(replaced.status).toBe(200);
    const finder = api.worklist.app.get(FindWorklist);
    const byStation = await collect(finder, { '00100020': { vr: 'LO' }, '00400100': { vr: 'SQ', Value: [{ '00400001': { vr: 'AE', Value: ['MR01'] } }] } });
    expect(byStation.filter((m) => m.kind === 'match').map((m) => (m.kind === 'match' ? m.identifier['00100020'].Value : null))).toEqual([['P1-NEW']]);
    expect((await api.call('DELETE', `${ITEMS}/${id}`)).status).toBe(204);
    expect((await api.call('GET', `${ITEMS}/${id}`)).status).toBe(404);
  });

  it('refuses an invalid item with 400 naming the attribute, and stores none of the batch', async () => {
    const bad = { ...item('P9'), '00400100': { vr: 'SQ', Value: [{ '00400002': { vr: 'DA', Value: ['27.11.2026'] } }] } };
    const response = await api.call('POST', ITEMS, JSON.stringify([item('P8'), bad]), JSON_TYPE);
    expect(response.status).toBe(400);
    expect(response.body.problems).toEqual([expect.objectContaining({ item: 'item 2', attribute: '(0040,0002) ScheduledProcedureStepStartDate' })]);
    expect((await api.call('GET', ITEMS)).body.total).toBe(0);
  });

  it('refuses a file that is not DICOM, an unknown media type, and a missing token', async () => {
    expect((await api.call('POST', ITEMS, Buffer.from('hello'), 'application/dicom')).status).toBe(400);
    expect((await api.call('POST', ITEMS, '{}', 'text/plain')).status).toBe(415);
    expect((await api.call('GET', ITEMS, undefined, undefined, 'wrong')).status).toBe(401);
  });

  it('imports a ZIP archive of worklist files whole, or nothing when one file is bad', async () => {
    const zip = new AdmZip();
    zip.addFile('OFFIS/lockfile', Buffer.alloc(0));
    zip.addFile('OFFIS/a.wl', part10(item('Z1')));
    zip.addFile('OFFIS/b.wl', part10(item('Z2')));
    const imported = await api.call('POST', `${ITEMS}/import`, zip.toBuffer(), 'application/zip');
    expect(imported.status).toBe(201);
    expect(imported.body.imported).toBe(2);
    zip.addFile('OFFIS/c.wl', Buffer.from('not dicom'));
    const refused = await api.call('POST', `${ITEMS}/import`, zip.toBuffer(), 'application/zip');
    expect(refused.status).toBe(400);
    expect(refused.body.problems[0].item).toBe('OFFIS/c.wl');
    expect((await api.call('GET', ITEMS)).body.total).toBe(2);
  });
});

describe('find: SQL narrows, the PS3.4 match decides', () => {
  it('returns exactly what matching every item in memory returns, for many kinds of query', async () => {
    const items = generateWorklistItems({ count: 400, today: '20261127', spreadDays: 3, stationsPerModality: 2, seed: 7 });
    expect((await api.call('POST', ITEMS, JSON.stringify(items), JSON_TYPE)).status).toBe(201);
    const finder = new FindWorklist(api.worklist.app.get(WORKLIST_ITEMS), { maxMatches: 10_000, overLimitPolicy: 'refuse', caseInsensitivePersonNames: false });
    const step = (keys: DicomJson): DicomJson => ({ '00100020': { vr: 'LO' }, '00400100': { vr: 'SQ', Value: [keys] } });
    const queries: DicomJson[] = [
      step({ '00400001': { vr: 'AE', Value: ['CT01'] }, '00400002': { vr: 'DA', Value: ['20261127'] } }),
      step({ '00400001': { vr: 'AE', Value: ['MR*'] } }),
      step({ '00400002': { vr: 'DA', Value: ['20261126-20261127'] }, '00400003': { vr: 'TM', Value: ['1200-0900'] } }),
      step({ '00080060': { vr: 'CS', Value: ['US'] }, '00400020': { vr: 'CS', Value: ['SCHEDULED'] } }),
      { '00100010': { vr: 'PN', Value: [{ Alphabetic: 'M?ller*' }] } },
      { '00100010': { vr: 'PN', Value: [{ Alphabetic: '山田*' }] } },
      { '00080050': { vr: 'SH', Value: ['ACC00000001*'] } },
      { '0020000D': { vr: 'UI', Value: ['2.25.70000000001', '2.25.70000000002'] } },
      step({ '00400002': { vr: 'DA', Value: ['-20261125'] } }),
    ];
    const folding = new FindWorklist(api.worklist.app.get(WORKLIST_ITEMS), { maxMatches: 10_000, overLimitPolicy: 'refuse', caseInsensitivePersonNames: true });
    const cases: Array<[FindWorklist, DicomJson, boolean]> = [
      ...queries.map((q): [FindWorklist, DicomJson, boolean] => [finder, q, false]),
      [folding, { '00100010': { vr: 'PN', Value: [{ Alphabetic: 'müller^*' }] } }, true],
      [folding, { '00100010': { vr: 'PN', Value: [{ Alphabetic: 'SMITH^*' }] } }, true],
    ];
    for (const [finderUnderTest, identifier, caseInsensitivePersonNames] of cases) {
      const expected = items.map((i) => matchItem(i, buildQuery(identifier), { caseInsensitivePersonNames })).filter((m) => m !== null);
      if (caseInsensitivePersonNames) expect(expected.length).toBeGreaterThan(0);
      const messages = await collect(finderUnderTest, identifier);
      const got = messages.flatMap((m) => (m.kind === 'match' ? [m.identifier] : []));
      expect(messages.at(-1)).toMatchObject({ kind: 'done', status: FindStatus.Success, matchCount: got.length });
      expect(got.map((g) => JSON.stringify(g)).sort()).toEqual(expected.map((e) => JSON.stringify(e)).sort());
    }
  });

  it('past maxMatches: refuse answers A700H before any match; truncate sends maxMatches then Success', async () => {
    await api.call('POST', ITEMS, JSON.stringify(Array.from({ length: 60 }, (_, i) => item(`M${i}`))), JSON_TYPE);
    const items = api.worklist.app.get<WorklistItems>(WORKLIST_ITEMS);
    const refuse = await collect(new FindWorklist(items, { maxMatches: 50, overLimitPolicy: 'refuse', caseInsensitivePersonNames: false }), { '00100020': { vr: 'LO' } });
    expect(refuse).toEqual([{ kind: 'done', status: FindStatus.OutOfResources, matchCount: 0, errorComment: 'more than 50 items match; narrow the query' }]);
    const truncate = await collect(new FindWorklist(items, { maxMatches: 50, overLimitPolicy: 'truncate', caseInsensitivePersonNames: false }), { '00100020': { vr: 'LO' } });
    expect(truncate.filter((m) => m.kind === 'match')).toHaveLength(50);
    expect(truncate.at(-1)).toEqual({ kind: 'done', status: FindStatus.Success, matchCount: 50 });
  });

  it('stops at once when the signal aborts, ending with Cancel', async () => {
    await api.call('POST', ITEMS, JSON.stringify(Array.from({ length: 30 }, (_, i) => item(`C${i}`))), JSON_TYPE);
    const controller = new AbortController();
    const out: WorklistFindMessage[] = [];
    for await (const m of api.worklist.app.get(FindWorklist).find({ identifier: { '00100020': { vr: 'LO' } }, associationId: 'a', callingAet: 'X', calledAet: 'Y' }, controller.signal)) {
      out.push(m);
      if (out.length === 3) controller.abort();
    }
    expect(out).toHaveLength(4);
    expect(out.at(-1)).toEqual({ kind: 'done', status: FindStatus.Cancel, matchCount: 3 });
  });

  it('answers an invalid identifier with A900H and its reason', async () => {
    const out = await collect(api.worklist.app.get(FindWorklist), { '00100010': { vr: 'US', Value: [1] } });
    expect(out).toEqual([{ kind: 'done', status: FindStatus.IdentifierDoesNotMatchSopClass, matchCount: 0, errorComment: expect.stringMatching(/VR US/) }]);
  });
});
