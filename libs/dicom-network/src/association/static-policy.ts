import { DICOM_APPLICATION_CONTEXT } from '../pdu/types';
import { negotiatePresentationContexts, SupportedContexts } from './negotiation';
import { AssociationDecision, AssociationPolicy, AssociationRequest, Rejections } from './policy';
import { matchRemoteAet, parseRemoteAetList, RemoteAetRule } from './remote-aet';

/** One association context: who may talk to whom, with which presentation contexts. */
export interface AssociationContextDefinition {
  callingAet: string;
  calledAet: string;
  presentationContexts: ReadonlyArray<{ abstractSyntax: string; transferSyntaxes: readonly string[] }>;
}

export interface ListenerAcceptance {
  /** `*` accepts any called AE title and leaves the decision to the association contexts. */
  localAet: string;
  /** DESIGN.md §4 RemoteAET semantics: literals, `?Pattern/Substitution`, `*`. */
  remoteAets: readonly string[];
}

const associationKey = (calling: string, called: string): string => `${calling}\u0000${called}`;

/**
 * Association contexts from configuration. Acceptance follows DESIGN.md §4: the listener's
 * LocalAET/RemoteAET checks first (unless both are `*`), then the (calling, called) context.
 */
export class StaticAssociationPolicy implements AssociationPolicy {
  private readonly remoteRules: RemoteAetRule[];
  private readonly contexts = new Map<string, SupportedContexts>();
  private readonly knownCallingAets = new Set<string>();

  constructor(
    private readonly listener: ListenerAcceptance,
    associations: readonly AssociationContextDefinition[],
  ) {
    this.remoteRules = parseRemoteAetList([...listener.remoteAets]);
    for (const a of associations) {
      const supported = new Map<string, readonly string[]>();
      for (const pc of a.presentationContexts) {
        supported.set(pc.abstractSyntax, [...(supported.get(pc.abstractSyntax) ?? []), ...pc.transferSyntaxes]);
      }
      this.contexts.set(associationKey(a.callingAet.trim(), a.calledAet.trim()), supported);
      this.knownCallingAets.add(a.callingAet.trim());
    }
  }

  async decide({ rq }: AssociationRequest): Promise<AssociationDecision> {
    if (rq.applicationContextName !== DICOM_APPLICATION_CONTEXT) {
      return { kind: 'reject', rejection: Rejections.applicationContextUnsupported(rq.applicationContextName) };
    }
    const called = rq.calledAeTitle;
    if (this.listener.localAet !== '*' && called !== this.listener.localAet.trim()) {
      return { kind: 'reject', rejection: Rejections.calledAetUnknown(called) };
    }
    const remote = matchRemoteAet(this.remoteRules, rq.callingAeTitle);
    if (!remote.matched) {
      return { kind: 'reject', rejection: Rejections.callingAetUnknown(rq.callingAeTitle) };
    }
    const calling = remote.effectiveCallingAet;
    const supported = this.contexts.get(associationKey(calling, called));
    if (!supported) {
      const rejection = this.knownCallingAets.has(calling)
        ? Rejections.calledAetUnknown(called)
        : Rejections.callingAetUnknown(calling);
      return { kind: 'reject', rejection };
    }
    return {
      kind: 'accept',
      presentationContexts: negotiatePresentationContexts(rq.presentationContexts, supported),
      effectiveCallingAet: calling,
    };
  }
}
