import { createTestDatabase, startRegistry, tempDir, type ApiResponse, type RunningRegistry, type TestDatabase } from './__fixtures__/registry-server';

const VERIFICATION = '1.2.840.10008.1.1';
const MWL_FIND = '1.2.840.10008.5.1.4.31';
const IMPLICIT = '1.2.840.10008.1.2';
const EXPLICIT = '1.2.840.10008.1.2.1';
const EXPLICIT_BE = '1.2.840.10008.1.2.2';
const ISSUE_EXAMPLE = [VERIFICATION, `${MWL_FIND}\\${IMPLICIT}`, `${MWL_FIND}\\${EXPLICIT}`, `${MWL_FIND}\\${EXPLICIT_BE}`].join('\n');

let pg: TestDatabase;
let dir: Awaited<ReturnType<typeof tempDir>>;
let api: RunningRegistry;

beforeAll(async () => {
  pg = await createTestDatabase();
  dir = await tempDir();
  api = await startRegistry({ databaseUrl: pg.url, dataDir: dir.path });
});

afterAll(async () => {
  await api?.stop();
  await pg?.drop();
  await dir?.remove();
});

afterEach(async () => {
  await api.registry.database.run((m) => m.query('DELETE FROM association'));
});

const importFile = (text: string, query: string) => api.call('POST', `/api/v1/associations/import?${query}`, { text });

/** Rows before and after: a refused request must write nothing. */
async function expectNothingWritten(request: () => Promise<ApiResponse>, status: number, message: RegExp): Promise<ApiResponse> {
  const before = [await api.count('association'), await api.count('presentation_context')];
  const response = await request();
  expect({ status: response.status, message: response.body.message }).toEqual({ status, message: expect.stringMatching(message) });
  expect([await api.count('association'), await api.count('presentation_context')]).toEqual(before);
  return response;
}

describe('import (the engine ImportAssociation)', () => {
  it("imports the issue's example for ENS-SCU → MWL-SCP with ordered transfer syntaxes", async () => {
    const created = await importFile(ISSUE_EXAMPLE, 'callingAet=ENS-SCU&calledAet=MWL-SCP');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      callingAet: 'ENS-SCU',
      calledAet: 'MWL-SCP',
      presentationContexts: [
        { abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT] },
        { abstractSyntax: MWL_FIND, transferSyntaxes: [IMPLICIT, EXPLICIT, EXPLICIT_BE] },
      ],
    });
    const stored = await api.call('GET', `/api/v1/associations/${created.body.id}`);
    expect(stored.body).toEqual(created.body);
  });

  it('refuses a second import without overwrite (409, nothing changes) and replaces with overwrite', async () => {
    const first = await importFile(ISSUE_EXAMPLE, 'callingAet=ENS-SCU&calledAet=MWL-SCP');
    const again = await expectNothingWritten(
      () => importFile(`${VERIFICATION}\\${EXPLICIT}`, 'callingAet=ENS-SCU&calledAet=MWL-SCP'),
      409,
      /already exists .*overwrite=true/,
    );
    expect(again.body.error).toBe('Conflict');
    expect((await api.call('GET', `/api/v1/associations/${first.body.id}`)).body).toEqual(first.body);

    const replaced = await importFile(`${VERIFICATION}\\${EXPLICIT}`, 'callingAet=ENS-SCU&calledAet=MWL-SCP&overwrite=true');
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual({ ...first.body, presentationContexts: [{ abstractSyntax: VERIFICATION, transferSyntaxes: [EXPLICIT] }] });
    expect(await api.count('presentation_context')).toBe(1);
  });

  it('reports bad lines with their numbers and writes nothing', async () => {
    const response = await expectNothingWritten(
      () => importFile(`${VERIFICATION}\nhello\n${MWL_FIND}\\1.2.x`, 'callingAet=ENS-SCU&calledAet=MWL-SCP'),
      400,
      /bad lines; nothing was imported/,
    );
    expect(response.body.problems.map((p: { line: number }) => p.line)).toEqual([2, 3]);
  });

  it('refuses 10 MB of garbage with a clear 400 and writes nothing', async () => {
    const garbage = Buffer.alloc(10 * 1024 * 1024, 0xa7);
    await expectNothingWritten(() => api.call('POST', '/api/v1/associations/import?callingAet=A&calledAet=B', { text: garbage }), 400, /at most 1048576 are accepted/);
  });
});

describe('hostile AE titles and input', () => {
  it.each(['../../etc/passw', '"QUOTED"', "O'HARA", 'SEVENTEEN_CHARS_X', "'; DROP TABLE association;--", 'A\\B', '   '])(
    'refuses %j on create, import and create-all without writing',
    async (title) => {
      await expectNothingWritten(() => api.call('POST', '/api/v1/associations', { json: { callingAet: title, calledAet: 'OK' } }), 400, /not valid/);
      await expectNothingWritten(
        () => importFile(VERIFICATION, `callingAet=${encodeURIComponent(title)}&calledAet=OK`),
        400,
        /AE titles are not valid/,
      );
      const refused = await expectNothingWritten(
        () => api.call('POST', '/api/v1/associations/create-all', { json: { callingAet: 'OK', calledAet: title } }),
        400,
        /not valid/,
      );
      expect(refused.body.problems[0]).toMatchObject({ field: 'calledAet' });
    },
  );

  it('still has its tables after SQL metacharacters everywhere', async () => {
    await api.call('GET', `/api/v1/abstract-syntaxes?filter=${encodeURIComponent("'; DROP TABLE association;--")}`);
    await api.call('POST', '/api/v1/associations', { json: { callingAet: 'A', calledAet: 'B', name: "x'; DROP TABLE association;--" } });
    expect(await api.count('association')).toBe(1);
    expect((await api.call('GET', '/api/v1/associations')).body[0].name).toBe("x'; DROP TABLE association;--");
  });

  it('answers malformed JSON and a bad id with 400 JSON', async () => {
    const bad = await fetch(`${api.baseUrl}/api/v1/associations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.registry.apiToken}`, 'content-type': 'application/json' },
      body: '{"callingAet":',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    const id = await api.call('GET', '/api/v1/associations/not-a-uuid');
    expect(id.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.stringMatching(/must be a UUID/) });
  });
});

describe('CRUD and presentation contexts', () => {
  it('creates, lists, edits contexts and deletes', async () => {
    const created = await api.call('POST', '/api/v1/associations', {
      json: { name: 'Echo', callingAet: ' JD-SCU ', calledAet: 'ENS-SCP', presentationContexts: [{ abstractSyntax: VERIFICATION, transferSyntaxes: [EXPLICIT, IMPLICIT] }] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ callingAet: 'JD-SCU', calledAet: 'ENS-SCP', name: 'Echo', description: '' });
    const id = created.body.id as string;
    const base = `/api/v1/associations/${id}`;

    expect((await api.call('POST', '/api/v1/associations', { json: { callingAet: 'JD-SCU', calledAet: 'ENS-SCP' } })).status).toBe(409);

    const added = await api.call('POST', `${base}/presentation-contexts`, { json: { abstractSyntax: MWL_FIND, transferSyntaxes: [IMPLICIT] } });
    expect(added.status).toBe(201);
    expect((await api.call('POST', `${base}/presentation-contexts`, { json: { abstractSyntax: MWL_FIND, transferSyntaxes: [IMPLICIT] } })).status).toBe(409);

    const replaced = await api.call('PUT', `${base}/presentation-contexts/${VERIFICATION}`, { json: { transferSyntaxes: [IMPLICIT, EXPLICIT] } });
    expect(replaced.body.presentationContexts).toEqual([
      { abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT, EXPLICIT] },
      { abstractSyntax: MWL_FIND, transferSyntaxes: [IMPLICIT] },
    ]);
    const duplicate = await api.call('PUT', `${base}/presentation-contexts/${VERIFICATION}`, { json: { transferSyntaxes: [IMPLICIT, IMPLICIT] } });
    expect(duplicate.body.problems).toEqual([{ field: 'transferSyntaxes[1]', message: `${IMPLICIT} is listed twice` }]);
    expect((await api.call('PUT', `${base}/presentation-contexts/1.2.3`, { json: { transferSyntaxes: [IMPLICIT] } })).status).toBe(404);

    const removed = await api.call('DELETE', `${base}/presentation-contexts/${MWL_FIND}`);
    expect(removed.body.presentationContexts).toHaveLength(1);

    const patched = await api.call('PATCH', base, { json: { description: 'DCMTK echoscu' } });
    expect(patched.body).toMatchObject({ name: 'Echo', description: 'DCMTK echoscu', presentationContexts: [{ abstractSyntax: VERIFICATION }] });

    expect((await api.call('GET', '/api/v1/associations')).body).toEqual([patched.body]);
    expect((await api.call('DELETE', base)).status).toBe(204);
    expect(await api.count('presentation_context')).toBe(0);
    const gone = await api.call('GET', base);
    expect(gone.body).toEqual({ statusCode: 404, error: 'Not Found', message: expect.stringMatching(/no association has id/) });
  });

  it('refuses a PATCH of an AE title with 400 saying to delete and re-create', async () => {
    const created = await api.call('POST', '/api/v1/associations', { json: { callingAet: 'JD-SCU', calledAet: 'ENS-SCP' } });
    const response = await expectNothingWritten(
      () => api.call('PATCH', `/api/v1/associations/${created.body.id}`, { json: { callingAet: 'OTHER', name: 'renamed' } }),
      400,
      /update is not valid/,
    );
    expect(response.body.problems).toEqual([{ field: 'callingAet', message: expect.stringMatching(/delete the association and create it again/) }]);
    expect((await api.call('GET', `/api/v1/associations/${created.body.id}`)).body.name).toBe('JD-SCU to ENS-SCP');
  });

  it('create-all makes one context per non-retired SOP class with the given transfer syntaxes', async () => {
    const response = await api.call('POST', '/api/v1/associations/create-all', {
      json: { callingAet: 'ANY-SCU', calledAet: 'DICOM-ROUTER', transferSyntaxes: [EXPLICIT, IMPLICIT] },
    });
    expect(response.status).toBe(201);
    const contexts = response.body.presentationContexts as { abstractSyntax: string; transferSyntaxes: string[] }[];
    expect(contexts.length).toBeGreaterThan(200);
    expect(contexts.every((c) => c.transferSyntaxes.join() === `${EXPLICIT},${IMPLICIT}`)).toBe(true);
    expect(contexts.map((c) => c.abstractSyntax)).toEqual(expect.arrayContaining([VERIFICATION, MWL_FIND]));
    expect(await api.count('presentation_context')).toBe(contexts.length);
    const defaults = await api.call('POST', '/api/v1/associations/create-all', { json: { callingAet: 'B', calledAet: 'C' } });
    expect(defaults.body.presentationContexts[0].transferSyntaxes).toEqual([IMPLICIT]);
  });
});

describe('reference tables', () => {
  it('"worklist" finds Modality Worklist FIND; "PatientName" finds (0010,0010)', async () => {
    const worklist = await api.call('GET', '/api/v1/abstract-syntaxes?filter=worklist');
    expect(worklist.body.items.map((r: { uid: string }) => r.uid)).toContain(MWL_FIND);
    const dictionary = await api.call('GET', '/api/v1/dictionary?filter=PatientName');
    expect(dictionary.body.items).toContainEqual(expect.objectContaining({ tag: '(0010,0010)', keyword: 'PatientName', vr: 'PN' }));
    const syntaxes = await api.call('GET', '/api/v1/transfer-syntaxes?filter=explicit vr little');
    expect(syntaxes.body.items.map((r: { uid: string }) => r.uid)).toContain(EXPLICIT);
  });

  it('pages the dictionary and refuses a limit above 1000', async () => {
    const page = await api.call('GET', '/api/v1/dictionary?limit=1000&offset=10');
    expect(page.body).toMatchObject({ limit: 1000, offset: 10 });
    expect(page.body.items).toHaveLength(1000);
    expect(page.body.total).toBeGreaterThan(4000);
    const tooMany = await api.call('GET', '/api/v1/dictionary?limit=5000');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.problems).toEqual([{ field: 'limit', message: 'expected an integer from 1 to 1000 (got "5000")' }]);
  });
});

describe('authentication, health, metrics, OpenAPI', () => {
  it.each([
    ['GET', '/api/v1/associations'],
    ['POST', '/api/v1/associations/import?callingAet=A&calledAet=B'],
    ['GET', '/api/v1/dictionary'],
  ])('%s %s needs the bearer token', async (method, path) => {
    const none = await api.call(method, path, { token: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(none.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.stringMatching(/Authorization: Bearer/) });
    expect((await api.call(method, path, { token: 'wrong-token-0123456789' })).status).toBe(401);
    expect((await api.call(method, path, { token: `${api.registry.apiToken}x` })).status).toBe(401);
  });

  it('serves health and metrics without a token', async () => {
    expect((await api.call('GET', '/health/live', { token: null })).status).toBe(200);
    const ready = await api.call('GET', '/health/ready', { token: null });
    expect(ready).toMatchObject({ status: 200, body: { status: 'ok', info: { database: { status: 'up', kind: 'postgres' } } } });
    const metrics = await api.call('GET', '/metrics', { token: null });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('process_cpu_seconds_total');
  });

  it('publishes the OpenAPI document at /api/docs-json', async () => {
    const doc = await api.call('GET', '/api/docs-json', { token: null });
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/associations',
        '/api/v1/associations/{id}',
        '/api/v1/associations/import',
        '/api/v1/associations/create-all',
        '/api/v1/associations/{id}/presentation-contexts',
        '/api/v1/associations/{id}/presentation-contexts/{abstractSyntax}',
        '/api/v1/abstract-syntaxes',
        '/api/v1/transfer-syntaxes',
        '/api/v1/dictionary',
      ]),
    );
    expect((await api.call('GET', '/api/docs', { token: null })).body).toContain('swagger');
  });
});
