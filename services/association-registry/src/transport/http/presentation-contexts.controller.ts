import { Body, Delete, Param, Post, Put } from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AddPresentationContext } from '../../application/add-presentation-context/add-presentation-context.use-case';
import { RemovePresentationContext } from '../../application/remove-presentation-context/remove-presentation-context.use-case';
import { ReplaceTransferSyntaxes } from '../../application/replace-transfer-syntaxes/replace-transfer-syntaxes.use-case';
import type { Association } from '../../domain/association';
import { AssociationDto, ErrorDto, PresentationContextDto, TransferSyntaxesDto } from './dto';
import { ASSOCIATION_ID, RestController } from './rest-controller';

@RestController('associations/:id/presentation-contexts', 'associations')
@ApiNotFoundResponse({ type: ErrorDto })
export class PresentationContextsController {
  constructor(
    private readonly addContext: AddPresentationContext,
    private readonly replaceTransferSyntaxes: ReplaceTransferSyntaxes,
    private readonly removeContext: RemovePresentationContext,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Add an abstract syntax with its ordered transfer syntaxes' })
  @ApiBody({ type: PresentationContextDto })
  @ApiOkResponse({ type: AssociationDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'The abstract syntax is already there' })
  add(@Param('id', ASSOCIATION_ID) id: string, @Body() body: unknown): Promise<Association> {
    return this.addContext.execute(id, body);
  }

  @Put(':abstractSyntax')
  @ApiOperation({ summary: 'Replace the ordered transfer syntaxes of one abstract syntax' })
  @ApiBody({ type: TransferSyntaxesDto })
  @ApiOkResponse({ type: AssociationDto })
  replace(@Param('id', ASSOCIATION_ID) id: string, @Param('abstractSyntax') abstractSyntax: string, @Body() body: unknown): Promise<Association> {
    return this.replaceTransferSyntaxes.execute(id, abstractSyntax, body);
  }

  @Delete(':abstractSyntax')
  @ApiOkResponse({ type: AssociationDto })
  remove(@Param('id', ASSOCIATION_ID) id: string, @Param('abstractSyntax') abstractSyntax: string): Promise<Association> {
    return this.removeContext.execute(id, abstractSyntax);
  }
}
