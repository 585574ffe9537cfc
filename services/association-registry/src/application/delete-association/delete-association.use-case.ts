import { Inject, Injectable } from '@nestjs/common';
import { ASSOCIATIONS, type Associations } from '../associations.port';
import { associationNotFound } from '../not-found';

@Injectable()
export class DeleteAssociation {
  constructor(@Inject(ASSOCIATIONS) private readonly associations: Associations) {}

  async execute(id: string): Promise<void> {
    if (!(await this.associations.delete(id))) throw associationNotFound(id);
  }
}
