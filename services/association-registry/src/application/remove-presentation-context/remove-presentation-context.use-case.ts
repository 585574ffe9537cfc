import { Inject, Injectable } from '@nestjs/common';
import { removePresentationContext, type Association } from '../../domain/association';
import { ASSOCIATIONS, type Associations } from '../associations.port';

@Injectable()
export class RemovePresentationContext {
  constructor(@Inject(ASSOCIATIONS) private readonly associations: Associations) {}

  execute(id: string, abstractSyntax: string): Promise<Association> {
    return this.associations.update(id, (current) => removePresentationContext(current, abstractSyntax));
  }
}
