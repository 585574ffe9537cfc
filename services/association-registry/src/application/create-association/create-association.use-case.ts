import { Inject, Injectable } from '@nestjs/common';
import { parseAssociationDraft, type Association } from '../../domain/association';
import { ASSOCIATIONS, type Associations } from '../associations.port';

@Injectable()
export class CreateAssociation {
  constructor(@Inject(ASSOCIATIONS) private readonly associations: Associations) {}

  /** `input` is untrusted (a request body); it is validated before anything is written. */
  execute(input: unknown): Promise<Association> {
    return this.associations.create(parseAssociationDraft(input));
  }
}
