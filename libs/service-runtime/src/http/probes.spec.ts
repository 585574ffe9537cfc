import { Module, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TerminusModule } from '@nestjs/terminus';
import { Counter, Registry } from 'prom-client';
import { HealthController, METRICS_REGISTRY, MetricsController, READINESS_CHECKS, type ReadinessCheck } from './probes';

describe('health and metrics endpoints', () => {
  let app: INestApplication;
  let baseUrl: string;
  const database = { up: true };
  const checks: ReadinessCheck[] = [
    { name: 'database', probe: () => ({ up: database.up, details: { kind: 'embedded' } }) },
    {
      name: 'storage',
      probe: async () => {
        if (!database.up) throw new Error('disk full');
        return { up: true };
      },
    },
  ];
  const registry = new Registry();
  new Counter({ name: 'probe_test_total', help: 'a counter', registers: [registry] }).inc(3);

  beforeAll(async () => {
    @Module({
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: READINESS_CHECKS, useValue: checks },
        { provide: METRICS_REGISTRY, useValue: registry },
      ],
    })
    class ProbesModule {}
    const moduleRef = await Test.createTestingModule({ imports: [ProbesModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
  });

  afterAll(() => app.close());

  it('is live and ready while every check is up', async () => {
    database.up = true;
    expect((await fetch(`${baseUrl}/health/live`)).status).toBe(200);
    const ready = await fetch(`${baseUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', info: { database: { status: 'up', kind: 'embedded' }, storage: { status: 'up' } } });
  });

  it('answers 503 naming each check that is down, a thrown error included', async () => {
    database.up = false;
    const ready = await fetch(`${baseUrl}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      status: 'error',
      error: { database: { status: 'down', kind: 'embedded' }, storage: { status: 'down', error: 'disk full' } },
    });
    expect((await fetch(`${baseUrl}/health/live`)).status).toBe(200);
  });

  it('serves the registry in Prometheus text format', async () => {
    const scrape = await fetch(`${baseUrl}/metrics`);
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain;.*version=0.0.4/);
    expect(await scrape.text()).toMatch(/^probe_test_total 3$/m);
  });
});
