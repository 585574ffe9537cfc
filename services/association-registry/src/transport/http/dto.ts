import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OpenAPI shapes only: bodies are validated by the domain, which reports every problem at once. */

const UID = { example: '1.2.840.10008.5.1.4.31', maxLength: 64, pattern: '^[0-9]+(\\.[0-9]+)*$' };
const AE = { maxLength: 16, description: 'PS3.5 AE title; leading/trailing spaces are dropped' };

export class PresentationContextDto {
  @ApiProperty({ ...UID, description: 'SOP class UID' })
  abstractSyntax!: string;

  @ApiProperty({ type: [String], example: ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2'], description: 'Most preferred first, no duplicates' })
  transferSyntaxes!: string[];
}

export class TransferSyntaxesDto {
  @ApiProperty({ type: [String], example: ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2'], description: 'Most preferred first, no duplicates' })
  transferSyntaxes!: string[];
}

export class CreateAssociationDto {
  @ApiPropertyOptional({ maxLength: 64, description: 'Defaults to "<calling> to <called>"' })
  name?: string;

  @ApiPropertyOptional({ maxLength: 254 })
  description?: string;

  @ApiProperty({ ...AE, example: 'ENS-SCU' })
  callingAet!: string;

  @ApiProperty({ ...AE, example: 'MWL-SCP' })
  calledAet!: string;

  @ApiPropertyOptional({ type: [PresentationContextDto] })
  presentationContexts?: PresentationContextDto[];
}

export class UpdateAssociationDto {
  @ApiPropertyOptional({ maxLength: 64 })
  name?: string;

  @ApiPropertyOptional({ maxLength: 254 })
  description?: string;

  @ApiPropertyOptional({ type: [PresentationContextDto], description: 'Replaces every presentation context' })
  presentationContexts?: PresentationContextDto[];
}

export class AssociationDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ maxLength: 64 })
  name!: string;

  @ApiProperty({ maxLength: 254 })
  description!: string;

  @ApiProperty({ ...AE, example: 'ENS-SCU' })
  callingAet!: string;

  @ApiProperty({ ...AE, example: 'MWL-SCP' })
  calledAet!: string;

  @ApiProperty({ type: [PresentationContextDto] })
  presentationContexts!: PresentationContextDto[];
}

export class CreateForAllDto {
  @ApiProperty({ ...AE, example: 'ANY-SCU' })
  callingAet!: string;

  @ApiProperty({ ...AE, example: 'DICOM-ROUTER' })
  calledAet!: string;

  @ApiPropertyOptional({ type: [String], default: ['1.2.840.10008.1.2'], description: 'Given to every SOP class, most preferred first' })
  transferSyntaxes?: string[];

  @ApiPropertyOptional({ maxLength: 64 })
  name?: string;

  @ApiPropertyOptional({ maxLength: 254 })
  description?: string;
}

export class ProblemDto {
  @ApiPropertyOptional({ example: 'presentationContexts[0].abstractSyntax' })
  field?: string;

  @ApiPropertyOptional({ description: 'Line of an import file, from 1' })
  line?: number;

  @ApiProperty()
  message!: string;
}

export class ErrorDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request' })
  error!: string;

  @ApiProperty()
  message!: string;

  @ApiPropertyOptional({ type: [ProblemDto] })
  problems?: ProblemDto[];
}

class PageDto {
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

class SopClassDto {
  @ApiProperty() uid!: string;
  @ApiProperty() name!: string;
  @ApiProperty() keyword!: string;
  @ApiProperty() retired!: boolean;
}

class DictionaryEntryDto {
  @ApiProperty({ example: '(0010,0010)' }) tag!: string;
  @ApiProperty() keyword!: string;
  @ApiProperty() name!: string;
  @ApiProperty() vr!: string;
  @ApiProperty() vm!: string;
  @ApiProperty() retired!: boolean;
}

export class SyntaxPageDto extends PageDto {
  @ApiProperty({ type: [SopClassDto] }) items!: SopClassDto[];
}

export class DictionaryPageDto extends PageDto {
  @ApiProperty({ type: [DictionaryEntryDto] }) items!: DictionaryEntryDto[];
}
