import { Inject, Injectable } from '@nestjs/common';
import { applyChanges, parseAssociationChanges, type Association } from '../../domain/association';
import { ASSOCIATIONS, type Associations } from '../associations.port';

@Injectable()
export class UpdateAssociation {
  constructor(@Inject(ASSOCIATIONS) private readonly associations: Associations) {}

  /** Name, description and presentation contexts may change; AE titles may not (ValidationError). */
  execute(id: string, input: unknown): Promise<Association> {
    return this.associations.update(id, (current) => applyChanges(current, parseAssociationChanges(input, current)));
  }
}
