import { Body, Delete, Get, HttpCode, Inject, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { describeProblems, type FieldProblem, invalidRequest, QueryParameter, QueryParameters, ValidQuery } from '@dicom-router/service-runtime';
import type { FilerSettings } from '../filer-settings';
import { FilerRuntime } from '../infrastructure/filer-runtime';
import type { QueuedDocument } from '../infrastructure/queue-store';
import { FILER_SETTINGS } from '../tokens';
import { FILTER_PARAMETERS, parseFilter, requireFilterOrAll, RestController, type FilterQuery } from './rest-controller';

const REQUEUE_FIELDS = ['filer', 'session', 'since', 'until'] as const;

/** The body of POST /documents/requeue: a filter, or `all: true` alone. */
const REQUEUE_BODY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    filer: FILTER_PARAMETERS.filer.schema,
    session: FILTER_PARAMETERS.session.schema,
    since: { ...FILTER_PARAMETERS.since.schema, description: 'Queued at or after' },
    until: { ...FILTER_PARAMETERS.until.schema, description: 'Queued before' },
    all: { type: 'boolean', description: 'Requeue without a filter: every Errored document, and every Queued one' },
  },
  example: { filer: 'to-pacs', since: '2026-01-31T08:00:00Z' },
};

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
  @QueryParameters({ ...FILTER_PARAMETERS, limit: QueryParameter.integer(1, 1000, { default: 100 }), offset: QueryParameter.integer(0, 1e9, { default: 0 }) })
  list(@ValidQuery() query: FilterQuery & { limit: number; offset: number }): Promise<QueuedDocument[]> {
    return this.runtime.store.list(parseFilter(query, this.filers), query.limit, query.offset);
  }

  @Get('counts')
  @ApiOperation({ summary: 'Documents per filer and status' })
  @QueryParameters({ filer: FILTER_PARAMETERS.filer })
  async counts(@ValidQuery() query: FilterQuery): Promise<Record<string, Record<string, number>>> {
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
    summary: 'Send Errored documents, and Queued ones whose retries were exhausted, again: those matching the filter in the body (filer, session, since, until); every one only with {"all": true} and no filter',
  })
  @ApiBody({ schema: REQUEUE_BODY })
  @ApiOkResponse({ description: '{ requeued: number }' })
  async requeue(@Body() body: unknown): Promise<{ requeued: number }> {
    const { all, ...fields } = requeueBody(body);
    const filter = parseFilter(fields, this.filers, { statusAllowed: false });
    requireFilterOrAll(filter, all, 'requeue', REQUEUE_FIELDS.join(', '), '{"all": true}');
    const requeued = await this.runtime.store.requeue(filter);
    this.runtime.wake();
    return { requeued };
  }

  @Delete()
  @ApiOperation({
    summary: 'Purge documents matching the filter; without status only Ignored, Delivered and Errored ones (Queued only when asked for); without a filter, only with all=true',
  })
  @QueryParameters({ ...FILTER_PARAMETERS, all: QueryParameter.boolean({ description: 'Purge without a filter: every Ignored, Delivered and Errored document' }) })
  async purge(@ValidQuery() query: FilterQuery & { all?: boolean }): Promise<{ purged: number }> {
    const { all, ...fields } = query;
    const filter = parseFilter(fields, this.filers);
    requireFilterOrAll(filter, all, 'purge', Object.keys(FILTER_PARAMETERS).join(', '), 'all=true');
    return { purged: await this.runtime.store.purge(filter) };
  }
}

/** The requeue body: a JSON object of text filters and the `all` flag; no body at all is an empty filter. */
function requeueBody(body: unknown): FilterQuery & { all?: boolean } {
  if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body))) {
    throw invalidRequest('the body must be a JSON object: a filter (filer, session, since, until), or {"all": true}', [{ field: 'body', message: 'a JSON object' }]);
  }
  const value = (body ?? {}) as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  for (const [key, field] of Object.entries(value)) {
    if (key === 'all') {
      if (typeof field !== 'boolean') problems.push({ field: key, message: 'must be true or false' });
    } else if (!(REQUEUE_FIELDS as readonly string[]).includes(key)) problems.push({ field: key, message: `not a filter (${REQUEUE_FIELDS.join(', ')}) nor all` });
    else if (typeof field !== 'string') problems.push({ field: key, message: 'must be a string' });
  }
  if (problems.length > 0) throw invalidRequest(`the body is not valid: ${describeProblems(problems)}`, problems);
  return value as FilterQuery & { all?: boolean };
}
