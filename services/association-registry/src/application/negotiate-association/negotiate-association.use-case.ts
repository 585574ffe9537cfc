import type { NegotiateAssociationReplyV1, NegotiateAssociationRequestV1 } from '@dicom-router/contracts';
import {
  type AssociationContextLookup,
  type CompiledListenerAcceptance,
  compileListenerAcceptance,
  decideAssociation,
  supportedContextsOf,
} from '@dicom-router/dicom-network';
import { Inject, Injectable } from '@nestjs/common';
import { ASSOCIATIONS, type Associations } from '../associations.port';

/** Distinct listener settings seen; a gateway fleet has a handful, the bound only guards against abuse. */
const MAX_COMPILED_LISTENERS = 256;

/**
 * Answers a gateway's negotiation request with the rules of docs/architecture.md §4 (shared with the static
 * policy in @dicom-router/dicom-network), looking association contexts up in the database.
 */
@Injectable()
export class NegotiateAssociation {
  private readonly compiled = new Map<string, CompiledListenerAcceptance>();

  constructor(@Inject(ASSOCIATIONS) private readonly associations: Associations) {}

  async execute(request: NegotiateAssociationRequestV1): Promise<NegotiateAssociationReplyV1> {
    let listener: CompiledListenerAcceptance;
    try {
      listener = this.listener(request.listener.localAet, request.listener.remoteAets);
    } catch (err) {
      return { outcome: 'error', message: `listener ${request.listener.name}: ${err instanceof Error ? err.message : String(err)}` };
    }
    const decision = await decideAssociation(request, listener, this.lookup);
    if (decision.kind === 'reject') return { outcome: 'reject', ...decision.rejection };
    return { outcome: 'accept', effectiveCallingAet: decision.effectiveCallingAet, presentationContexts: decision.presentationContexts };
  }

  private readonly lookup: AssociationContextLookup = async (callingAet, calledAet) => {
    const association = await this.associations.findByAeTitles(callingAet, calledAet);
    if (association) return { found: true, contexts: supportedContextsOf(association.presentationContexts) };
    return { found: false, callingAetKnown: await this.associations.hasCallingAet(callingAet) };
  };

  private listener(localAet: string, remoteAets: readonly string[]): CompiledListenerAcceptance {
    const key = JSON.stringify([localAet, remoteAets]);
    let compiled = this.compiled.get(key);
    if (!compiled) {
      compiled = compileListenerAcceptance({ localAet, remoteAets });
      if (this.compiled.size >= MAX_COMPILED_LISTENERS) this.compiled.clear();
      this.compiled.set(key, compiled);
    }
    return compiled;
  }
}
