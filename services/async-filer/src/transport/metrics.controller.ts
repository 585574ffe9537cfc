import { Controller, Get, Header } from '@nestjs/common';
import { DOCUMENT_STATUSES } from '../domain/document-status';
import { FilerMetrics } from '../infrastructure/filer-metrics';
import { FilerRuntime } from '../infrastructure/filer-runtime';

/** Prometheus scrape endpoint, without a token; queue depth read from the shared queue on each scrape. */
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: FilerMetrics,
    private readonly runtime: FilerRuntime,
  ) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    const counts = await this.runtime.store.counts().catch(() => null);
    if (counts) {
      this.metrics.queueDepth.reset();
      for (const filer of new Set(counts.map((c) => c.filer))) for (const status of DOCUMENT_STATUSES) this.metrics.queueDepth.labels(filer, status).set(0);
      for (const c of counts) this.metrics.queueDepth.labels(c.filer, c.status).set(c.count);
    }
    return this.metrics.registry.metrics();
  }
}
