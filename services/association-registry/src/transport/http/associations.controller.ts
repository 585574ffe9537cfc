import { Body, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { CreateAssociation } from '../../application/create-association/create-association.use-case';
import { DeleteAssociation } from '../../application/delete-association/delete-association.use-case';
import { GetAssociation } from '../../application/get-association/get-association.use-case';
import { ListAssociations } from '../../application/list-associations/list-associations.use-case';
import { UpdateAssociation } from '../../application/update-association/update-association.use-case';
import type { Association } from '../../domain/association';
import { AssociationDto, CreateAssociationDto, ErrorDto, UpdateAssociationDto } from './dto';
import { ASSOCIATION_ID, RestController } from './rest-controller';

@RestController('associations', 'associations')
export class AssociationsController {
  constructor(
    private readonly listAssociations: ListAssociations,
    private readonly getAssociation: GetAssociation,
    private readonly createAssociation: CreateAssociation,
    private readonly updateAssociation: UpdateAssociation,
    private readonly deleteAssociation: DeleteAssociation,
  ) {}

  @Get()
  @ApiOkResponse({ type: [AssociationDto] })
  list(): Promise<Association[]> {
    return this.listAssociations.execute();
  }

  @Post()
  @ApiBody({ type: CreateAssociationDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'The (callingAet, calledAet) pair exists' })
  create(@Body() body: unknown): Promise<Association> {
    return this.createAssociation.execute(body);
  }

  @Get(':id')
  @ApiOkResponse({ type: AssociationDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  get(@Param('id', ASSOCIATION_ID) id: string): Promise<Association> {
    return this.getAssociation.execute(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change name, description or presentation contexts; AE titles cannot change (delete and re-create)' })
  @ApiBody({ type: UpdateAssociationDto })
  @ApiOkResponse({ type: AssociationDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  update(@Param('id', ASSOCIATION_ID) id: string, @Body() body: unknown): Promise<Association> {
    return this.updateAssociation.execute(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNotFoundResponse({ type: ErrorDto })
  remove(@Param('id', ASSOCIATION_ID) id: string): Promise<void> {
    return this.deleteAssociation.execute(id);
  }
}
