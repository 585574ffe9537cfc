import { sopClasses } from '@dicom-router/dicom-reference';
import { Inject, Injectable } from '@nestjs/common';
import { IMPLICIT_VR_LITTLE_ENDIAN, parseAssociationDraft, parseTransferSyntaxes, type Association } from '../../domain/association';
import { Problem, throwIfProblems, ValidationError } from '../../domain/errors';
import { ASSOCIATIONS, type Associations } from '../associations.port';

/**
 * The engine's CreateAssociation(calling, called, transferSyntaxes = [Implicit VR LE]): one presentation
 * context per SOP class of PS3.6 that is not retired, each with the same ordered transfer syntaxes.
 */
@Injectable()
export class CreateForAllSopClasses {
  constructor(@Inject(ASSOCIATIONS) private readonly associations: Associations) {}

  async execute(input: unknown): Promise<Association> {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      throw new ValidationError('the request must be a JSON object { callingAet, calledAet, transferSyntaxes? }');
    }
    const { transferSyntaxes: requested = [IMPLICIT_VR_LITTLE_ENDIAN], ...rest } = input as Record<string, unknown>;
    // Checked once here, not once per SOP class: a mistake is reported once.
    const problems: Problem[] = [];
    const transferSyntaxes = parseTransferSyntaxes(requested, 'transferSyntaxes', problems);
    throwIfProblems('the transfer syntaxes are not valid', problems);
    const presentationContexts = sopClasses()
      .filter((sopClass) => !sopClass.retired)
      .map((sopClass) => ({ abstractSyntax: sopClass.uid, transferSyntaxes }));
    return this.associations.create(parseAssociationDraft({ ...rest, presentationContexts }));
  }
}
