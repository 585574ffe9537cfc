import { Inject, Injectable } from '@nestjs/common';
import { addPresentationContext, parsePresentationContext, type Association } from '../../domain/association';
import { Problem, ValidationError } from '../../domain/errors';
import { ASSOCIATIONS, type Associations } from '../associations.port';

@Injectable()
export class AddPresentationContext {
  constructor(@Inject(ASSOCIATIONS) private readonly associations: Associations) {}

  /** Adds an abstract syntax with its ordered transfer syntaxes; ConflictError if it is already there. */
  execute(id: string, input: unknown): Promise<Association> {
    const problems: Problem[] = [];
    const context = parsePresentationContext(input, '', problems);
    if (!context || problems.length > 0) throw new ValidationError('the presentation context is not valid', problems);
    return this.associations.update(id, (current) => addPresentationContext(current, context));
  }
}
