import { Body, Controller, HttpCode, type INestApplication, Module, Post, Req } from '@nestjs/common';
import { gzipSync } from 'node:zlib';
import { createLogger } from '../logger';
import { JSON_BODY_LIMIT, jsonNestsDeeperThan, MAX_JSON_DEPTH } from './json-body';
import { readRequestBody } from './request-body';
import { createServiceApp } from './service-app';

const nested = (levels: number, open = '[', close = ']'): string => open.repeat(levels) + close.repeat(levels);
const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('jsonNestsDeeperThan', () => {
  it('counts arrays and objects inside one another, up to the limit included', () => {
    expect(jsonNestsDeeperThan(bytes(nested(64)), 64)).toBe(false);
    expect(jsonNestsDeeperThan(bytes(nested(65)), 64)).toBe(true);
    expect(jsonNestsDeeperThan(bytes('{"a":'.repeat(65) + '1' + '}'.repeat(65)), 64)).toBe(true);
    expect(jsonNestsDeeperThan(bytes('[{"a":[{"b":{}}]}]'), 5)).toBe(false);
    expect(jsonNestsDeeperThan(bytes('[{"a":[{"b":{}}]}]'), 4)).toBe(true);
  });

  it('measures depth, not how many containers there are', () => {
    expect(jsonNestsDeeperThan(bytes(`[${Array(10_000).fill('[]').join(',')}]`), 2)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonNestsDeeperThan(bytes(JSON.stringify({ text: nested(500) })), 2)).toBe(false);
    expect(jsonNestsDeeperThan(bytes(JSON.stringify({ text: `\\"${'['.repeat(100)}\\` })), 1)).toBe(false);
    expect(jsonNestsDeeperThan(bytes(JSON.stringify({ text: 'é ü 漢字 [[[' })), 1)).toBe(false);
  });

  it('stops at the first level too many: 45,000 levels (90 KB) take no recursion', () => {
    expect(jsonNestsDeeperThan(bytes(nested(45_000)), MAX_JSON_DEPTH)).toBe(true);
  });
});

describe('the JSON body reader of every service, over HTTP', () => {
  let app: INestApplication;
  let baseUrl: string;

  @Controller('echo')
  class EchoController {
    @Post()
    @HttpCode(200)
    echo(@Body() body: unknown) {
      return { body: body ?? null };
    }

    @Post('bytes')
    @HttpCode(200)
    async bytes(@Req() req: Parameters<typeof readRequestBody>[0]) {
      return { text: (await readRequestBody(req, 1024 * 1024, (m) => new Error(m))).toString('utf8') };
    }
  }

  @Module({ controllers: [EchoController] })
  class EchoModule {}

  const post = async (path: string, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
    const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    app = await createServiceApp(EchoModule, createLogger('test', 'silent'));
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(() => app.close());

  it('parses JSON, and keeps the bytes for an endpoint that reads them (nothing serialised again)', async () => {
    expect(await post('/echo', '{"a":[1,2,{"b":null}]}')).toEqual({ status: 200, body: { body: { a: [1, 2, { b: null }] } } });
    expect(await post('/echo', '\uFEFF{"bom":true}', { 'content-type': 'application/json; charset=UTF-8' })).toEqual({ status: 200, body: { body: { bom: true } } });
    expect(await post('/echo/bytes', '{ "spaced" :  1 }')).toEqual({ status: 200, body: { text: '{ "spaced" :  1 }' } });
    expect(await post('/echo', nested(MAX_JSON_DEPTH))).toMatchObject({ status: 200 });
  });

  it('answers 400 with the ErrorBody for a 45,000-level body, before parsing it', async () => {
    const deep = nested(45_000);
    expect(deep.length).toBe(90_000);
    expect(await post('/echo', deep)).toEqual({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', message: `the JSON body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep, which no endpoint takes; nothing was done` },
    });
    expect((await post('/echo/bytes', nested(15_000, '{"a":', '}'))).status).toBe(400);
  });

  it('answers 400 for malformed JSON, 413 past the limit, 415 for another charset or a compressed body', async () => {
    expect(await post('/echo', '{"a":')).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request', message: expect.stringMatching(/^the body is not valid JSON: /) } });
    const large = await post('/echo', `[${'1,'.repeat(JSON_BODY_LIMIT)}1]`);
    expect(large).toMatchObject({ status: 413, body: { statusCode: 413, error: 'Payload Too Large' } });
    expect(large.body['message']).toMatch(/at most 102400 are accepted/);
    expect(await post('/echo', '{}', { 'content-type': 'application/json; charset=iso-8859-1' })).toMatchObject({ status: 415, body: { error: 'Unsupported Media Type' } });
    expect(await post('/echo', gzipSync('{}'), { 'content-type': 'application/json', 'content-encoding': 'gzip' })).toMatchObject({ status: 415 });
  });

  it('leaves other media types to the endpoint', async () => {
    expect(await post('/echo', 'a=1', { 'content-type': 'application/x-www-form-urlencoded' })).toEqual({ status: 200, body: { body: null } });
    expect(await post('/echo/bytes', nested(100), { 'content-type': 'text/plain' })).toEqual({ status: 200, body: { text: nested(100) } });
  });
});
