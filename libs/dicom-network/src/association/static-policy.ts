import { SupportedContexts } from './negotiation';
import {
  AssociationContextDefinition,
  AssociationContextLookupResult,
  CompiledListenerAcceptance,
  compileListenerAcceptance,
  decideAssociation,
  ListenerAcceptance,
  supportedContextsOf,
} from './association-rules';
import { AssociationDecision, AssociationPolicy, AssociationRequest } from './policy';

const associationKey = (calling: string, called: string): string => `${calling}\u0000${called}`;

/**
 * Association contexts from configuration (production.yaml `associations`), decided by the shared
 * rules of docs/architecture.md §4 ({@link decideAssociation}).
 */
export class StaticAssociationPolicy implements AssociationPolicy {
  private readonly listener: CompiledListenerAcceptance;
  private readonly contexts = new Map<string, SupportedContexts>();
  private readonly knownCallingAets = new Set<string>();

  constructor(listener: ListenerAcceptance, associations: readonly AssociationContextDefinition[]) {
    this.listener = compileListenerAcceptance(listener);
    for (const a of associations) {
      this.contexts.set(associationKey(a.callingAet.trim(), a.calledAet.trim()), supportedContextsOf(a.presentationContexts));
      this.knownCallingAets.add(a.callingAet.trim());
    }
  }

  decide({ rq }: AssociationRequest): Promise<AssociationDecision> {
    return decideAssociation(
      {
        callingAet: rq.callingAeTitle,
        calledAet: rq.calledAeTitle,
        applicationContextName: rq.applicationContextName,
        presentationContexts: rq.presentationContexts,
      },
      this.listener,
      async (calling, called): Promise<AssociationContextLookupResult> => {
        const contexts = this.contexts.get(associationKey(calling, called));
        return contexts ? { found: true, contexts } : { found: false, callingAetKnown: this.knownCallingAets.has(calling) };
      },
    );
  }
}
