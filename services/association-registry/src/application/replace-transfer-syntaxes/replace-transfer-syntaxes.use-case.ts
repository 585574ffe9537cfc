import { Inject, Injectable } from '@nestjs/common';
import { parseTransferSyntaxes, replaceTransferSyntaxes, type Association } from '../../domain/association';
import { Problem, throwIfProblems } from '../../domain/errors';
import { ASSOCIATIONS, type Associations } from '../associations.port';

@Injectable()
export class ReplaceTransferSyntaxes {
  constructor(@Inject(ASSOCIATIONS) private readonly associations: Associations) {}

  /** `input` is `{ transferSyntaxes: [...] }`, most preferred first. */
  execute(id: string, abstractSyntax: string, input: unknown): Promise<Association> {
    const problems: Problem[] = [];
    const body = input !== null && typeof input === 'object' ? (input as Record<string, unknown>) : {};
    const transferSyntaxes = parseTransferSyntaxes(body['transferSyntaxes'], 'transferSyntaxes', problems);
    throwIfProblems('the transfer syntaxes are not valid', problems);
    return this.associations.update(id, (current) => replaceTransferSyntaxes(current, abstractSyntax, transferSyntaxes));
  }
}
