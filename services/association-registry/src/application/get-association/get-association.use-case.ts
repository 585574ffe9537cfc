import { Inject, Injectable } from '@nestjs/common';
import type { Association } from '../../domain/association';
import { ASSOCIATIONS, type Associations } from '../associations.port';
import { associationNotFound } from '../not-found';

@Injectable()
export class GetAssociation {
  constructor(@Inject(ASSOCIATIONS) private readonly associations: Associations) {}

  async execute(id: string): Promise<Association> {
    const association = await this.associations.get(id);
    if (!association) throw associationNotFound(id);
    return association;
  }
}
