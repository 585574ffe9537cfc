import { Controller, Get, Header } from '@nestjs/common';
import { FilerMetrics } from '../infrastructure/filer-metrics';

/** Prometheus scrape endpoint, without a token; queue depth read from the shared queue on each scrape. */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: FilerMetrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
