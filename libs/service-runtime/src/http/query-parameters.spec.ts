import { Controller, Delete, Get, type INestApplication, Module } from '@nestjs/common';
import { API_TOKEN, BearerTokenGuard } from '../bearer-token.guard';
import { createLogger } from '../logger';
import { compileQueryParameters, QueryParameter, QueryParameters, ValidQuery } from './query-parameters';
import { RestApi } from './rest-api';
import { createServiceApp } from './service-app';

function refusal(read: () => unknown): { status: number; body: Record<string, unknown> } {
  try {
    read();
  } catch (error) {
    const http = error as { getStatus(): number; getResponse(): Record<string, unknown> };
    return { status: http.getStatus(), body: http.getResponse() };
  }
  throw new Error('the query was accepted');
}

describe('compileQueryParameters', () => {
  const read = compileQueryParameters({
    limit: QueryParameter.integer(1, 1000, { default: 100 }),
    all: QueryParameter.boolean(),
    status: QueryParameter.oneOf(['Queued', 'Delivered']),
    since: QueryParameter.dateTime(),
    name: QueryParameter.text(8, { pattern: '^[a-z]+$', expected: 'a lower-case name' }),
  });

  it('types the values and fills in defaults', () => {
    expect(read({ all: 'true', status: 'Queued', since: '2026-01-31T08:00:00Z', name: 'abc' })).toEqual({
      limit: 100,
      all: true,
      status: 'Queued',
      since: '2026-01-31T08:00:00Z',
      name: 'abc',
    });
    expect(read({ limit: '7', all: 'false' })).toEqual({ limit: 7, all: false });
  });

  it('refuses a parameter it does not declare, naming it and what the endpoint takes', () => {
    const { status, body } = refusal(() => read({ sopInstanceUid: 'does-not-exist' }));
    expect(status).toBe(400);
    expect(body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'the query is not valid: sopInstanceUid: not a parameter of this endpoint, which takes limit, all, status, since, name',
      problems: [{ field: 'sopInstanceUid', message: 'not a parameter of this endpoint, which takes limit, all, status, since, name' }],
    });
  });

  it('refuses bad values, every one at once, each with what is expected', () => {
    const { body } = refusal(() => read({ limit: '0', all: 'yes', status: 'Lost', since: 'yesterday', name: 'ABC' }));
    expect(body['problems']).toEqual([
      { field: 'all', message: 'expected true or false (got "yes")' },
      { field: 'limit', message: 'expected an integer from 1 to 1000 (got "0")' },
      { field: 'status', message: 'expected one of Queued, Delivered (got "Lost")' },
      { field: 'since', message: 'expected an ISO 8601 date-time such as 2026-01-31T08:00:00Z (got "yesterday")' },
      { field: 'name', message: 'expected a lower-case name (got "ABC")' },
    ]);
  });

  it('reads integers strictly: no empty text, fractions, exponents, hex or blanks', () => {
    for (const text of ['', '1.5', '1e2', '0x10', ' 3', '01', '99999999999999999']) {
      expect(refusal(() => read({ limit: text })).body['problems']).toEqual([{ field: 'limit', message: `expected an integer from 1 to 1000 (got ${JSON.stringify(text)})` }]);
    }
  });

  it('refuses a parameter given twice rather than picking one', () => {
    expect(refusal(() => read({ limit: ['1', '2'] })).body['problems']).toEqual([{ field: 'limit', message: 'give it once, as an integer from 1 to 1000' }]);
  });

  it('names a required parameter that is missing', () => {
    const required = compileQueryParameters({ calledAet: QueryParameter.text(16, { required: true, expected: 'an AE title' }) });
    expect(refusal(() => required({})).body['problems']).toEqual([{ field: 'calledAet', message: 'required: an AE title' }]);
  });

  it('takes nothing when nothing is declared', () => {
    const none = compileQueryParameters({});
    expect(none({})).toEqual({});
    expect(refusal(() => none({ x: '1' })).body['message']).toBe('the query is not valid: x: not a parameter of this endpoint, which takes none');
  });

  it('cuts a long value short in the answer, spells out 5 problems and lists at most 20', () => {
    const long = 'a'.repeat(10_000);
    const message = refusal(() => read({ status: long })).body['message'] as string;
    expect(message.length).toBeLessThan(200);
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`p${i}`, '1']));
    const refused = refusal(() => read(many)).body;
    expect(refused['message']).toMatch(/; and 45 more$/);
    const problems = refused['problems'] as unknown[];
    expect(problems).toHaveLength(21);
    expect(problems[20]).toEqual({ field: '', message: '…and 30 more problems' });
  });
});

describe('QueryParametersGuard on a REST controller over HTTP', () => {
  const token = 'query-guard-test-token';
  let app: INestApplication;
  let baseUrl: string;

  @Controller('api/v1/things')
  @RestApi()
  class ThingsController {
    @Get()
    @QueryParameters({ limit: QueryParameter.integer(1, 10, { default: 5 }), all: QueryParameter.boolean() })
    list(@ValidQuery() query: { limit: number; all?: boolean }) {
      return query;
    }

    @Delete(':id')
    remove() {
      return { removed: 1 };
    }
  }

  @Module({ controllers: [ThingsController], providers: [{ provide: API_TOKEN, useValue: token }, BearerTokenGuard] })
  class ThingsModule {}

  const call = async (method: string, path: string, withToken = true) => {
    const response = await fetch(`${baseUrl}${path}`, { method, headers: withToken ? { authorization: `Bearer ${token}` } : {} });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    app = await createServiceApp(ThingsModule, createLogger('test', 'silent'));
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(() => app.close());

  it('hands the handler typed values', async () => {
    expect(await call('GET', '/api/v1/things?limit=3&all=true')).toEqual({ status: 200, body: { limit: 3, all: true } });
    expect(await call('GET', '/api/v1/things')).toEqual({ status: 200, body: { limit: 5 } });
  });

  it('answers 400 naming an unknown parameter, on an endpoint that declares none too', async () => {
    const listed = await call('GET', '/api/v1/things?limit=3&filter=x');
    expect(listed).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request', problems: [{ field: 'filter' }] } });
    const removed = await call('DELETE', '/api/v1/things/1?force=true');
    expect(removed).toMatchObject({ status: 400, body: { message: 'the query is not valid: force: not a parameter of this endpoint, which takes none' } });
  });

  it('checks the token first: a caller without one learns nothing about the parameters', async () => {
    expect((await call('GET', '/api/v1/things?nope=1', false)).status).toBe(401);
  });
});
