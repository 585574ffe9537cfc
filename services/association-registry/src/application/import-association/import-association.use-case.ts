import { Inject, Injectable } from '@nestjs/common';
import { defaultName, parseAeTitle } from '../../domain/association';
import { Problem, ValidationError } from '../../domain/errors';
import { parseImportFile } from '../../domain/import-file';
import { ASSOCIATIONS, type Associations } from '../associations.port';
import { createOrReplace, type CreateOrReplaceResult } from '../create-or-replace';

export interface ImportAssociationCommand {
  /** The file's text: `SOPClassUID` or `SOPClassUID\TransferSyntaxUID` per line. */
  readonly content: string;
  readonly callingAet: unknown;
  readonly calledAet: unknown;
  /** When the pair exists: replace its presentation contexts (true) or refuse (false). */
  readonly overwrite: boolean;
}

/** The engine's ImportAssociation(file, callingAET, calledAET, overwrite). All or nothing. */
@Injectable()
export class ImportAssociation {
  constructor(@Inject(ASSOCIATIONS) private readonly associations: Associations) {}

  execute(command: ImportAssociationCommand): Promise<CreateOrReplaceResult> {
    const problems: Problem[] = [];
    const callingAet = parseAeTitle(command.callingAet, 'callingAet', problems);
    const calledAet = parseAeTitle(command.calledAet, 'calledAet', problems);
    if (callingAet === undefined || calledAet === undefined) {
      throw new ValidationError('the AE titles are not valid; nothing was imported', problems);
    }
    const presentationContexts = parseImportFile(command.content);
    const draft = { name: defaultName(callingAet, calledAet), description: '', callingAet, calledAet, presentationContexts };
    return createOrReplace(this.associations, draft, { replace: command.overwrite });
  }
}
