import { Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Put, Req, UseFilters } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { IncomingMessage } from 'node:http';
import { QueryParameter, QueryParameters, RestApi, ValidQuery } from '@dicom-router/service-runtime';
import { ImportArchive } from '../../application/manage-items/import-archive.use-case';
import { ManageItems } from '../../application/manage-items/manage-items.use-case';
import { ValidationError } from '../../application/errors';
import type { StoredItem } from '../../application/worklist-items.port';
import { ErrorFilter } from './error.filter';
import { readBody } from './raw-body';

/** One request's items at most; a larger worklist goes through the archive import. */
const ITEMS_MAX_BYTES = 16 * 1024 * 1024;
const ARCHIVE_MAX_BYTES = 512 * 1024 * 1024;

type Request = IncomingMessage & { body?: unknown };

const ITEM_ID = new ParseUUIDPipe({ exceptionFactory: () => new ValidationError('the item id must be a UUID, as returned by POST /api/v1/worklist/items') });

const ITEM_SCHEMA = {
  type: 'object',
  description: 'A worklist item in the DICOM JSON Model (PS3.18 F.2); it needs a Scheduled Procedure Step Sequence (0040,0100).',
  example: {
    '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Doe^Jane' }] },
    '00100020': { vr: 'LO', Value: ['PAT-0001'] },
    '00400100': { vr: 'SQ', Value: [{ '00080060': { vr: 'CS', Value: ['CT'] }, '00400001': { vr: 'AE', Value: ['CT01'] }, '00400002': { vr: 'DA', Value: ['20261127'] } }] },
  },
};

/** REST over worklist items (docs/architecture.md §4: /api/v1, bearer token, OpenAPI). */
@Controller('api/v1/worklist/items')
@RestApi()
@UseFilters(ErrorFilter)
@ApiTags('worklist')
export class ItemsController {
  constructor(
    private readonly manage: ManageItems,
    private readonly importArchive: ImportArchive,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create worklist items: DICOM JSON (one data set or an array) or one Part-10 worklist file (as DCMTK wlmscpfs reads)' })
  @ApiConsumes('application/dicom+json', 'application/dicom')
  @ApiBody({ schema: { oneOf: [ITEM_SCHEMA, { type: 'array', items: ITEM_SCHEMA }, { type: 'string', format: 'binary' }] } })
  @ApiCreatedResponse({ description: 'The stored items with their ids' })
  async create(@Req() req: Request): Promise<{ items: StoredItem[] }> {
    return { items: await this.manage.create(await readBody(req, ITEMS_MAX_BYTES), req.headers['content-type']) };
  }

  @Post('import')
  @ApiOperation({ summary: 'Bulk import: a ZIP archive of worklist files (e.g. a wlmscpfs database folder); all or nothing' })
  @ApiConsumes('application/zip')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiCreatedResponse({ description: 'The stored items with their ids' })
  async import(@Req() req: Request): Promise<{ imported: number; items: Array<{ id: string }> }> {
    const stored = await this.importArchive.execute(await readBody(req, ARCHIVE_MAX_BYTES));
    return { imported: stored.length, items: stored.map((s) => ({ id: s.id })) };
  }

  @Get()
  @ApiOperation({ summary: 'List worklist items, oldest first' })
  @QueryParameters({ offset: QueryParameter.integer(0, Number.MAX_SAFE_INTEGER, { default: 0 }), limit: QueryParameter.integer(1, 1000, { default: 100 }) })
  @ApiOkResponse({ description: '{ total, items }' })
  list(@ValidQuery() query: { offset: number; limit: number }): Promise<{ total: number; items: StoredItem[] }> {
    return this.manage.list(query.offset, query.limit);
  }

  @Get(':id')
  @ApiOkResponse({ description: 'The item' })
  @ApiNotFoundResponse()
  get(@Param('id', ITEM_ID) id: string): Promise<StoredItem> {
    return this.manage.get(id);
  }

  @Put(':id')
  @ApiOperation({ summary: 'Replace one item (DICOM JSON data set or Part-10 file)' })
  @ApiConsumes('application/dicom+json', 'application/dicom')
  @ApiBody({ schema: ITEM_SCHEMA })
  @ApiOkResponse({ description: 'The replaced item' })
  @ApiNotFoundResponse()
  async replace(@Param('id', ITEM_ID) id: string, @Req() req: Request): Promise<StoredItem> {
    return this.manage.replace(id, await readBody(req, ITEMS_MAX_BYTES), req.headers['content-type']);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  delete(@Param('id', ITEM_ID) id: string): Promise<void> {
    return this.manage.delete(id);
  }
}
