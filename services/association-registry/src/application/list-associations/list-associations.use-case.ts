import { Inject, Injectable } from '@nestjs/common';
import type { Association } from '../../domain/association';
import { ASSOCIATIONS, type Associations } from '../associations.port';

@Injectable()
export class ListAssociations {
  constructor(@Inject(ASSOCIATIONS) private readonly associations: Associations) {}

  execute(): Promise<Association[]> {
    return this.associations.list();
  }
}
