import { FindStatus } from '@dicom-router/worklist';
import { FindWorklist } from './application/find-worklist/find-worklist.use-case';
import { startWorklist, type RunningWorklist } from './__fixtures__/worklist-server';

// The embedded database of `npm start` (PostgreSQL as a child process): the same migrations and queries as with DATABASE_URL.
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

it('refuses JSON nested 45,000 levels deep with a 400 on every item endpoint, whatever the JSON media type', async () => {
  const deep = '['.repeat(45_000) + ']'.repeat(45_000);
  const deepItem = '{"00400100":{"vr":"SQ","Value":['.repeat(3_000) + '{}' + ']}}'.repeat(3_000);
  const id = '00000000-0000-4000-8000-000000000000';
  for (const [method, path] of [['POST', '/api/v1/worklist/items'], ['PUT', `/api/v1/worklist/items/${id}`]]) {
    for (const [body, type] of [[deep, 'application/json'], [deep, 'application/dicom+json'], [deepItem, 'application/dicom+json']]) {
      const response = await api.call(method, path, body, type);
      expect({ method, type, status: response.status, message: response.body.message }).toEqual({
        method,
        type,
        status: 400,
        message: 'the JSON body nests arrays and objects more than 64 levels deep, which no endpoint takes; nothing was done',
      });
    }
  }
  expect((await api.call('GET', '/api/v1/worklist/items')).body.total).toBe(3);
});

it('refuses a query parameter the endpoint does not take, naming it', async () => {
  const response = await api.call('GET', '/api/v1/worklist/items?limit=10&station=CT01');
  expect(response.status).toBe(400);
  expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request', problems: [{ field: 'station', message: 'not a parameter of this endpoint, which takes offset, limit' }] });
});
