import { Get, Query } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { QueryParameter, QueryParameters } from '@dicom-router/service-runtime';
import type { DictionaryEntry, SopClass, TransferSyntax } from '@dicom-router/dicom-reference';
import { BrowseReference, Page, PAGE_DEFAULT_LIMIT, PAGE_MAX_LIMIT } from '../../application/browse-reference/browse-reference.use-case';
import { DictionaryPageDto, SyntaxPageDto } from './dto';
import { RestController } from './rest-controller';

/** The query every table takes: a case-insensitive filter on any column, then a page. */
const PagedTable = () =>
  QueryParameters({
    filter: QueryParameter.text(200, { description: 'Case-insensitive text found in any column' }),
    limit: QueryParameter.integer(1, PAGE_MAX_LIMIT, { default: PAGE_DEFAULT_LIMIT }),
    offset: QueryParameter.integer(0, Number.MAX_SAFE_INTEGER, { default: 0 }),
  });

@RestController('', 'reference data (PS3.6)')
export class ReferenceController {
  constructor(private readonly browse: BrowseReference) {}

  @Get('abstract-syntaxes')
  @PagedTable()
  @ApiOkResponse({ type: SyntaxPageDto, description: 'SOP classes and meta SOP classes' })
  abstractSyntaxes(@Query('filter') filter: unknown, @Query('limit') limit: unknown, @Query('offset') offset: unknown): Page<SopClass> {
    return this.browse.abstractSyntaxes({ filter, limit, offset });
  }

  @Get('transfer-syntaxes')
  @PagedTable()
  @ApiOkResponse({ type: SyntaxPageDto })
  transferSyntaxes(@Query('filter') filter: unknown, @Query('limit') limit: unknown, @Query('offset') offset: unknown): Page<TransferSyntax> {
    return this.browse.transferSyntaxes({ filter, limit, offset });
  }

  @Get('dictionary')
  @PagedTable()
  @ApiOkResponse({ type: DictionaryPageDto })
  dictionary(@Query('filter') filter: unknown, @Query('limit') limit: unknown, @Query('offset') offset: unknown): Page<DictionaryEntry> {
    return this.browse.dictionary({ filter, limit, offset });
  }
}
