import { BadRequestException, Body, Delete, Get, HttpCode, Inject, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery } from '@nestjs/swagger';
import type { FilerSettings } from '../filer-settings';
import { FilerRuntime } from '../infrastructure/filer-runtime';
import type { QueuedDocument } from '../infrastructure/queue-store';
import { FILER_SETTINGS } from '../tokens';
import { parseFilter, parseLimit, RestController, type FilterQuery } from './rest-controller';

const FILTER_QUERIES = [
  ApiQuery({ name: 'filer', required: false }),
  ApiQuery({ name: 'status', required: false, enum: ['Queued', 'Ignored', 'Delivered', 'Errored'] }),
  ApiQuery({ name: 'session', required: false, description: 'Association id the documents arrived on' }),
  ApiQuery({ name: 'since', required: false, description: 'ISO 8601; queued at or after' }),
  ApiQuery({ name: 'until', required: false, description: 'ISO 8601; queued before' }),
];

function applyAll(decorators: MethodDecorator[]): MethodDecorator {
  return (target, key, descriptor) => {
    for (const d of decorators) d(target, key, descriptor);
  };
}

/** The queue as operators see it: browse, count, requeue, purge. */
@RestController('documents', 'documents')
export class DocumentsController {
  private readonly filers: Set<string>;

  constructor(
    private readonly runtime: FilerRuntime,
    @Inject(FILER_SETTINGS) settings: FilerSettings,
  ) {
    this.filers = new Set(settings.production.filers.map((f) => f.name));
  }

  @Get()
  @ApiOperation({ summary: 'Documents by filer, status, session and time, oldest first' })
  @applyAll(FILTER_QUERIES)
  @ApiQuery({ name: 'limit', required: false, description: '1-1000, default 100' })
  @ApiQuery({ name: 'offset', required: false })
  list(@Query() query: FilterQuery & { limit?: string; offset?: string }): Promise<QueuedDocument[]> {
    const filter = parseFilter(query, this.filers);
    return this.runtime.store.list(filter, Math.max(1, parseLimit(query.limit, 100, 1000, 'limit')), parseLimit(query.offset, 0, 1e9, 'offset'));
  }

  @Get('counts')
  @ApiOperation({ summary: 'Documents per filer and status' })
  @ApiQuery({ name: 'filer', required: false })
  async counts(@Query() query: FilterQuery): Promise<Record<string, Record<string, number>>> {
    const filter = parseFilter({ filer: query.filer }, this.filers);
    const out: Record<string, Record<string, number>> = {};
    for (const name of filter.filer ? [filter.filer] : this.filers) out[name] = { Queued: 0, Ignored: 0, Delivered: 0, Errored: 0 };
    for (const row of await this.runtime.store.counts(filter.filer)) (out[row.filer] ??= { Queued: 0, Ignored: 0, Delivered: 0, Errored: 0 })[row.status] = row.count;
    return out;
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<QueuedDocument> {
    const doc = /^[1-9][0-9]{0,17}$/.test(id) ? await this.runtime.store.get(id) : null;
    if (!doc) throw new NotFoundException(`no document ${JSON.stringify(id)}`);
    return doc;
  }

  @Post(':id/requeue')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send one Errored (or requeued after exhausted retries) document again' })
  async requeueOne(@Param('id') id: string): Promise<{ requeued: number }> {
    await this.get(id);
    const requeued = await this.runtime.store.requeue({ id });
    this.runtime.wake();
    return { requeued };
  }

  @Post('requeue')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send Errored documents, and Queued ones whose retries were exhausted, again: those matching the filter in the body (filer, session, since, until); an empty body means all',
  })
  @ApiOkResponse({ description: '{ requeued: number }' })
  async requeue(@Body() body: unknown): Promise<{ requeued: number }> {
    const filter = parseFilter(objectBody(body), this.filers, { statusAllowed: false });
    const requeued = await this.runtime.store.requeue(filter);
    this.runtime.wake();
    return { requeued };
  }

  @Delete()
  @ApiOperation({ summary: 'Purge documents matching the filter; without status only Ignored, Delivered and Errored ones (Queued only when asked for)' })
  @applyAll(FILTER_QUERIES)
  async purge(@Query() query: FilterQuery): Promise<{ purged: number }> {
    return { purged: await this.runtime.store.purge(parseFilter(query, this.filers)) };
  }
}

function objectBody(body: unknown): FilterQuery {
  if (body === undefined || body === null || (typeof body === 'object' && !Array.isArray(body))) {
    const value = (body ?? {}) as Record<string, unknown>;
    const unknownKeys = Object.keys(value).filter((k) => !['filer', 'session', 'since', 'until'].includes(k));
    const notText = Object.entries(value).filter(([, v]) => typeof v !== 'string').map(([k]) => k);
    if (unknownKeys.length || notText.length) {
      throw new BadRequestException({
        message: 'the request is not valid',
        problems: [...unknownKeys.map((k) => `${k}: not a filter (filer, session, since, until)`), ...notText.map((k) => `${k}: must be a string`)],
      });
    }
    return value as FilterQuery;
  }
  throw new BadRequestException({ message: 'the request is not valid', problems: ['body: a JSON object with filer, session, since, until'] });
}
