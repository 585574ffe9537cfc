import { FindStatus } from '@dicom-router/worklist';
import { FindWorklist } from './application/find-worklist/find-worklist.use-case';
import { startWorklist, type RunningWorklist } from './__fixtures__/worklist-server';

// The embedded database of `npm start` (PGlite): the same migrations and queries as PostgreSQL.
let api: RunningWorklist;

beforeAll(async () => {
  api = await startWorklist({});
});

afterAll(async () => {
  await api?.stop();
});

it('stores items and answers a station + date query on the embedded database', async () => {
  const step = (station: string) => ({ '00400001': { vr: 'AE', Value: [station] }, '00400002': { vr: 'DA', Value: ['20261127'] } });
  const items = ['CT01', 'CT02', 'CT01'].map((s, i) => ({ '00100020': { vr: 'LO', Value: [`E${i}`] }, '00400100': { vr: 'SQ', Value: [step(s)] } }));
  expect((await api.call('POST', '/api/v1/worklist/items', JSON.stringify(items), 'application/dicom+json')).status).toBe(201);
  const out = [];
  for await (const m of api.worklist.app.get(FindWorklist).find(
    { identifier: { '00100020': { vr: 'LO' }, '00400100': { vr: 'SQ', Value: [step('CT01')] } }, associationId: 'a', callingAet: 'X', calledAet: 'Y' },
    new AbortController().signal,
  )) out.push(m);
  expect(out.filter((m) => m.kind === 'match')).toHaveLength(2);
  expect(out.at(-1)).toMatchObject({ kind: 'done', status: FindStatus.Success, matchCount: 2 });
});
