import { Body, HttpStatus, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { QueryParameter, QueryParameters, ValidQuery } from '@dicom-router/service-runtime';
import type { HttpRequest, HttpResponse } from './http-types';
import { CreateForAllSopClasses } from '../../application/create-for-all-sop-classes/create-for-all-sop-classes.use-case';
import { ImportAssociation } from '../../application/import-association/import-association.use-case';
import type { Association } from '../../domain/association';
import { IMPORT_MAX_BYTES } from '../../domain/import-file';
import { AssociationDto, CreateForAllDto, ErrorDto } from './dto';
import { RestController } from './rest-controller';
import { readTextBody } from './text-body';

@RestController('associations', 'associations')
export class ImportController {
  constructor(
    private readonly importAssociation: ImportAssociation,
    private readonly createForAll: CreateForAllSopClasses,
  ) {}

  @Post('import')
  @ApiOperation({
    summary: 'Import a presentation-context file: one SOPClassUID or SOPClassUID\\TransferSyntaxUID per line',
    description: 'A line without a transfer syntax means Implicit VR Little Endian. All lines are checked before anything is written.',
  })
  @ApiConsumes('text/plain')
  @ApiBody({ schema: { type: 'string', example: '1.2.840.10008.1.1\n1.2.840.10008.5.1.4.31\\1.2.840.10008.1.2.1\n' } })
  @QueryParameters({
    // Loose here: the AE title rules (16 characters, the character set) are the association's, and it names them.
    callingAet: QueryParameter.text(64, { required: true, expected: 'an AE title', example: 'ENS-SCU' }),
    calledAet: QueryParameter.text(64, { required: true, expected: 'an AE title', example: 'MWL-SCP' }),
    overwrite: QueryParameter.boolean({ default: false, description: 'Replace the contexts of an existing association' }),
  })
  @ApiCreatedResponse({ type: AssociationDto, description: 'Created' })
  @ApiOkResponse({ type: AssociationDto, description: 'Existing association replaced (overwrite=true)' })
  @ApiConflictResponse({ type: ErrorDto, description: 'The association exists and overwrite is not true' })
  async import(
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: HttpResponse,
    @ValidQuery() query: { callingAet: string; calledAet: string; overwrite: boolean },
  ): Promise<Association> {
    const content = await readTextBody(req, IMPORT_MAX_BYTES);
    const result = await this.importAssociation.execute({ content, callingAet: query.callingAet, calledAet: query.calledAet, overwrite: query.overwrite });
    res.status(result.created ? HttpStatus.CREATED : HttpStatus.OK);
    return result.association;
  }

  @Post('create-all')
  @ApiOperation({ summary: 'Create an association with one presentation context per SOP class of PS3.6 that is not retired' })
  @ApiBody({ type: CreateForAllDto })
  @ApiCreatedResponse({ type: AssociationDto })
  @ApiConflictResponse({ type: ErrorDto })
  createAll(@Body() body: unknown): Promise<Association> {
    return this.createForAll.execute(body);
  }
}
