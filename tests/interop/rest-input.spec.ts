/**
 * REST input against the all-in-one gateway (association-registry, worklist-process and async-filer
 * hosted on its HTTP port): a query parameter an endpoint does not take is a 400 that names it and
 * changes nothing; bulk purge and requeue without a filter need an explicit all=true; a JSON body
 * nested 45,000 levels deep is a 400 on every endpoint that takes JSON, never a 500; HTTP_BIND keeps
 * HTTP to the address it names.
 */
import path from 'node:path';
import { DicomClient, Status } from '@dicom-router/dicom-network';
import { GATEWAY_MAIN, startGateway, type GatewayHandle } from '../support/gateway';
import { syntheticInstance } from '../support/part10-files';
import { getFreePort } from '../support/ports';
import { canConnect, runCommand } from '../support/processes';
import { tempDir } from '../support/tmp';

const TOKEN = 'rest-input-test-token-0123';
const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';
const TRANSFER_SYNTAXES = ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2'];
const VERIFICATION = '1.2.840.10008.1.1';
const INSTANCES = 4;
/** 45,000 arrays inside one another: 90,000 bytes. */
const DEEP = '['.repeat(45_000) + ']'.repeat(45_000);
const TOO_DEEP = 'the JSON body nests arrays and objects more than 64 levels deep, which no endpoint takes; nothing was done';

interface Doc {
  sopInstanceUid: string;
  status: string;
  remark: string;
}
type Counts = Record<string, Record<string, number>>;
interface Answer<T = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  status: number;
  body: T;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('REST input of the all-in-one gateway', () => {
  let gateway: GatewayHandle;
  let associationId: string;

  /** A REST call with the token; `body` is sent as is (a string) or as JSON; `type` overrides the Content-Type. */
  const call = async (method: string, urlPath: string, body?: unknown, type = 'application/json', host = '127.0.0.1'): Promise<Answer> => {
    const response = await fetch(`http://${host}:${gateway.httpPort}${urlPath}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': type }) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const counts = async (): Promise<Counts> => (await call('GET', '/api/v1/documents/counts')).body;
  const docsOf = async (filer: string): Promise<Doc[]> => (await call('GET', `/api/v1/documents?filer=${filer}&limit=1000`)).body;

  beforeAll(async () => {
    const deadPort = await getFreePort();
    gateway = await startGateway({
      production: {
        listeners: [{ name: 'main', localAet: 'ROUTER', remoteAets: ['MODALITY'], mode: 'async', target: ['held', 'skipped'] }],
        destinations: [{ name: 'nowhere', host: '127.0.0.1', port: deadPort, calledAet: 'NOWHERE', callingAet: 'ROUTER', connectTimeoutSeconds: 1 }],
        filers: [
          // Paused before anything arrives: its documents stay Queued, untouched unless a call touches them.
          { name: 'held', destination: 'nowhere', retryCount: 1, backoffSeconds: 1 },
          // Never matches: its documents are Ignored at once, what a purge without status removes.
          { name: 'skipped', condition: 'modality == "NONE"', destination: 'nowhere', retryCount: 1, backoffSeconds: 1 },
        ],
        associations: [
          { name: 'modality', callingAet: 'MODALITY', calledAet: 'ROUTER', presentationContexts: [{ abstractSyntax: SECONDARY_CAPTURE, transferSyntaxes: TRANSFER_SYNTAXES }] },
        ],
      },
      env: { API_TOKEN: TOKEN },
    });
    expect((await call('POST', '/api/v1/filers/held/pause')).status).toBe(200);
    const association = await DicomClient.connect({
      host: '127.0.0.1',
      port: gateway.listenerPorts['main'],
      connectTimeoutMs: 3000,
      callingAet: 'MODALITY',
      calledAet: 'ROUTER',
      implementation: { classUid: '2.25.267216359245271373364316397233452146211', versionName: 'REST_INPUT' },
      presentationContexts: [{ abstractSyntax: SECONDARY_CAPTURE, transferSyntaxes: TRANSFER_SYNTAXES }],
    });
    try {
      for (let i = 0; i < INSTANCES; i++) expect((await association.store(syntheticInstance({ modality: 'CT' }))).status).toBe(Status.Success);
    } finally {
      await association.release();
    }
    await waitFor('every document queued', async () => {
      const now = await counts();
      return now['held']?.['Queued'] === INSTANCES && now['skipped']?.['Ignored'] === INSTANCES;
    }, 20_000);
    associationId = (await call('GET', '/api/v1/associations')).body[0].id;
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
  });

  it('refuses a purge by a filter it does not know (400 naming it) and purges nothing', async () => {
    const before = await counts();
    const unknown = await call('DELETE', '/api/v1/documents?sopInstanceUid=does-not-exist');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ statusCode: 400, error: 'Bad Request', problems: [{ field: 'sopInstanceUid' }] });
    expect(unknown.body.message).toContain('sopInstanceUid: not a parameter of this endpoint');
    const unfiltered = await call('DELETE', '/api/v1/documents');
    expect(unfiltered).toMatchObject({ status: 400, body: { message: expect.stringContaining('send all=true') } });
    expect((await call('DELETE', '/api/v1/documents?all=false')).status).toBe(400);
    expect((await call('DELETE', '/api/v1/documents?all=true&filer=skipped')).status).toBe(400);
    expect((await call('DELETE', '/api/v1/documents?all=yes')).body.problems).toEqual([{ field: 'all', message: 'expected true or false (got "yes")' }]);
    expect(await counts()).toEqual(before);
  });

  it('refuses a requeue without a filter (empty body, {}, or all in the query) and requeues nothing', async () => {
    const before = await docsOf('held');
    expect(before.map((d) => d.remark)).toEqual(Array(INSTANCES).fill(''));
    const empty = await call('POST', '/api/v1/documents/requeue');
    expect(empty).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request', message: expect.stringContaining('send {"all": true}') } });
    expect((await call('POST', '/api/v1/documents/requeue', {})).status).toBe(400);
    expect((await call('POST', '/api/v1/documents/requeue', '', 'application/json')).status).toBe(400);
    expect((await call('POST', '/api/v1/documents/requeue?all=true')).body.problems).toEqual([{ field: 'all', message: 'not a parameter of this endpoint, which takes none' }]);
    expect((await call('POST', '/api/v1/documents/requeue', { sopInstanceUid: 'x' })).body.problems).toEqual([
      { field: 'sopInstanceUid', message: 'not a filter (filer, session, since, until) nor all' },
    ]);
    expect(await docsOf('held')).toEqual(before);
  });

  it('acts on what a filter matches, and on everything with all=true', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await call('DELETE', `/api/v1/documents?filer=skipped&since=${future}`)).toEqual({ status: 200, body: { purged: 0 } });
    expect(await call('POST', '/api/v1/documents/requeue', { filer: 'skipped' })).toEqual({ status: 200, body: { requeued: 0 } });
    expect(await call('POST', '/api/v1/documents/requeue', { all: true })).toEqual({ status: 200, body: { requeued: INSTANCES } });
    expect((await docsOf('held')).map((d) => d.remark)).toEqual(Array(INSTANCES).fill('requeued'));
    // Without status a purge takes finished documents only: the Ignored ones, not the Queued.
    expect(await call('DELETE', '/api/v1/documents?all=true')).toEqual({ status: 200, body: { purged: INSTANCES } });
    expect(await counts()).toEqual({ held: { Queued: INSTANCES, Ignored: 0, Delivered: 0, Errored: 0 }, skipped: { Queued: 0, Ignored: 0, Delivered: 0, Errored: 0 } });
  });

  it('answers 400 to a 45,000-level JSON body on every endpoint that takes JSON, and changes nothing', async () => {
    expect(DEEP.length).toBe(90_000);
    const associationsBefore = (await call('GET', '/api/v1/associations')).body;
    const countsBefore = await counts();
    const item = '00000000-0000-4000-8000-000000000000';
    const endpoints: [string, string, string][] = [
      ['POST', '/api/v1/associations', 'application/json'],
      ['PATCH', `/api/v1/associations/${associationId}`, 'application/json'],
      ['POST', `/api/v1/associations/${associationId}/presentation-contexts`, 'application/json'],
      ['PUT', `/api/v1/associations/${associationId}/presentation-contexts/${SECONDARY_CAPTURE}`, 'application/json'],
      ['POST', '/api/v1/associations/create-all', 'application/json'],
      ['POST', '/api/v1/associations/import?callingAet=DEEP&calledAet=ROUTER', 'application/json'],
      ['POST', '/api/v1/documents/requeue', 'application/json'],
      ['POST', '/api/v1/routes/dry-run', 'application/json'],
      ['POST', '/api/v1/worklist/items', 'application/json'],
      ['POST', '/api/v1/worklist/items', 'application/dicom+json'],
      ['PUT', `/api/v1/worklist/items/${item}`, 'application/json'],
      ['PUT', `/api/v1/worklist/items/${item}`, 'application/dicom+json'],
    ];
    for (const [method, urlPath, type] of endpoints) {
      const answer = await call(method, urlPath, DEEP, type);
      expect({ method, urlPath, type, ...answer }).toEqual({ method, urlPath, type, status: 400, body: { statusCode: 400, error: 'Bad Request', message: TOO_DEEP } });
    }
    expect((await call('GET', '/api/v1/associations')).body).toEqual(associationsBefore);
    expect(await counts()).toEqual(countsBefore);
    expect((await call('GET', '/api/v1/worklist/items')).body.total).toBe(0);
    expect(gateway.logRecords().filter((r) => r['msg'] === 'request failed' || r['context'] === 'ExceptionsHandler')).toEqual([]);
  });

  it('answers 400 to malformed JSON and 413 to an oversized body, in the same error shape', async () => {
    expect(await call('POST', '/api/v1/associations', '{"name":')).toMatchObject({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', message: expect.stringMatching(/^the body is not valid JSON: /) },
    });
    const large = { name: 'large', callingAet: 'LARGE', calledAet: 'ROUTER', description: 'x'.repeat(200 * 1024), presentationContexts: [] };
    expect(await call('POST', '/api/v1/associations', large)).toMatchObject({ status: 413, body: { statusCode: 413, error: 'Payload Too Large' } });
    const shallow = { name: 'shallow', callingAet: 'SHALLOW', calledAet: 'ROUTER', presentationContexts: [{ abstractSyntax: VERIFICATION, transferSyntaxes: TRANSFER_SYNTAXES }] };
    expect((await call('POST', '/api/v1/associations', shallow)).status).toBe(201);
  });

  it('refuses unknown query parameters on every service hosted here, after the token', async () => {
    for (const urlPath of ['/api/v1/associations?callingAet=X', '/api/v1/dictionary?limit=10&keyword=x', '/api/v1/worklist/items?station=CT01', '/api/v1/filers?name=held']) {
      const answer = await call('GET', urlPath);
      expect({ urlPath, status: answer.status, problems: answer.body.problems.length }).toEqual({ urlPath, status: 400, problems: 1 });
    }
    expect((await call('POST', '/api/v1/routes/dry-run?verbose=1', { attributes: { Modality: 'CT' } })).status).toBe(400);
    expect((await call('GET', '/api/v1/dictionary?limit=1001')).body.problems).toEqual([{ field: 'limit', message: 'expected an integer from 1 to 1000 (got "1001")' }]);
    expect((await fetch(`http://127.0.0.1:${gateway.httpPort}/api/v1/documents?sopInstanceUid=x`, { method: 'DELETE' })).status).toBe(401);
  });

  it('listens on every address by default: another loopback address reaches it', async () => {
    expect(await canConnect(gateway.httpPort, '127.0.0.2')).toBe(true);
  });
});

describe('HTTP_BIND', () => {
  it('keeps HTTP to the address it names: 127.0.0.1 answers, 127.0.0.2 is refused', async () => {
    const gateway = await startGateway({
      production: { listeners: [{ name: 'main', remoteAets: ['*'] }] },
      env: { HTTP_BIND: '127.0.0.1', API_TOKEN: TOKEN },
    });
    try {
      expect((await fetch(`http://127.0.0.1:${gateway.httpPort}/health/live`)).status).toBe(200);
      expect(await canConnect(gateway.httpPort, '127.0.0.2')).toBe(false);
      await expect(fetch(`http://127.0.0.2:${gateway.httpPort}/health/live`)).rejects.toThrow();
      expect(await gateway.waitForLog((r) => r['msg'] === 'HTTP endpoints ready (/health/live, /health/ready, /metrics, /api/v1, /api/docs)')).toMatchObject({ httpBind: '127.0.0.1' });
    } finally {
      await gateway.stop();
    }
  }, 60_000);

  it('is checked at start with the other variables: every problem in one report, exit 2', async () => {
    const result = await runCommand(process.execPath, [GATEWAY_MAIN], {
      env: { HTTP_BIND: 'localhost', HTTP_PORT: '70000', DATA_DIR: path.join(tempDir('rest-input-bind'), 'data') },
      timeoutMs: 20_000,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('HTTP_BIND="localhost": expected an IPv4 or IPv6 address of this host');
    expect(result.stderr).toContain('HTTP_PORT="70000"');
  });
});
