import type { AssociationConfig } from '@dicom-router/config';
import { Inject, Injectable } from '@nestjs/common';
import { parseAssociationDraft } from '../../domain/association';
import { ValidationError } from '../../domain/errors';
import { ASSOCIATIONS, type Associations } from '../associations.port';
import { createOrReplace } from '../create-or-replace';

export interface UpsertSummary {
  readonly created: number;
  readonly replaced: number;
}

/**
 * GitOps: each association of production.yaml is created, or its name, description and presentation
 * contexts are replaced. Associations not listed are left alone (they may have been made through the API).
 * Every entry is validated before any is written, so a bad file changes nothing.
 */
@Injectable()
export class UpsertFromProduction {
  constructor(@Inject(ASSOCIATIONS) private readonly associations: Associations) {}

  async execute(configs: readonly AssociationConfig[]): Promise<UpsertSummary> {
    const drafts = configs.map((config, i) => {
      try {
        return parseAssociationDraft({ ...config, presentationContexts: config.presentationContexts.map((c) => ({ ...c })) });
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        const lines = err.problems.map((p) => `associations[${i}]${p.field ? `.${p.field}` : ''}: ${p.message}`);
        throw new ValidationError(`production.yaml: ${err.message}\n${lines.join('\n')}`, err.problems);
      }
    });
    let created = 0;
    for (const draft of drafts) {
      const result = await createOrReplace(this.associations, draft, { replace: true, details: true });
      if (result.created) created++;
    }
    return { created, replaced: drafts.length - created };
  }
}
