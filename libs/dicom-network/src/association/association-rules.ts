import { DICOM_APPLICATION_CONTEXT, ProposedPresentationContext } from '../pdu/types';
import { negotiatePresentationContexts, SupportedContexts } from './negotiation';
import { AssociationDecision, Rejections } from './policy';
import { matchRemoteAet, parseRemoteAetList, RemoteAetRule } from './remote-aet';

/**
 * The acceptance rules of docs/architecture.md §4, independent of where association contexts live: the
 * static policy looks them up in configuration, the association registry in its database.
 */

/** A listener's AE title settings, as written in production.yaml. */
export interface ListenerAcceptance {
  /** `*` accepts any called AE title and leaves the decision to the association contexts. */
  localAet: string;
  /** docs/architecture.md §4 RemoteAET semantics: literals, `?Pattern/Substitution`, `*`. */
  remoteAets: readonly string[];
}

/** A listener's AE title settings with the RemoteAET patterns compiled once. */
export interface CompiledListenerAcceptance {
  readonly localAet: string;
  readonly remoteRules: readonly RemoteAetRule[];
}

/** What the rules look at in an A-ASSOCIATE-RQ (PS3.8 §9.3.2). */
export interface AssociationProposal {
  callingAet: string;
  calledAet: string;
  applicationContextName: string;
  presentationContexts: readonly ProposedPresentationContext[];
}

/** One association context: who may talk to whom, with which presentation contexts. */
export interface AssociationContextDefinition {
  callingAet: string;
  calledAet: string;
  presentationContexts: ReadonlyArray<{ abstractSyntax: string; transferSyntaxes: readonly string[] }>;
}

/** The answer of an association store for one (calling, called) pair. */
export type AssociationContextLookupResult =
  | { found: true; contexts: SupportedContexts }
  /** `callingAetKnown`: some association has this calling AET, so it is the called AET that is unknown. */
  | { found: false; callingAetKnown: boolean };

/** Finds the association context of (calling AET, called AET), both trimmed. */
export type AssociationContextLookup = (callingAet: string, calledAet: string) => Promise<AssociationContextLookupResult>;

/** Throws on a malformed RemoteAET entry (production.yaml is checked with the same parser at load). */
export function compileListenerAcceptance(listener: ListenerAcceptance): CompiledListenerAcceptance {
  return { localAet: listener.localAet.trim(), remoteRules: parseRemoteAetList([...listener.remoteAets]) };
}

/**
 * An association context's presentation contexts keyed by abstract syntax, transfer syntaxes in
 * its order of preference; an abstract syntax listed twice keeps both lists, first one first.
 */
export function supportedContextsOf(presentationContexts: AssociationContextDefinition['presentationContexts']): SupportedContexts {
  const supported = new Map<string, readonly string[]>();
  for (const pc of presentationContexts) {
    supported.set(pc.abstractSyntax, [...(supported.get(pc.abstractSyntax) ?? []), ...pc.transferSyntaxes]);
  }
  return supported;
}

/**
 * docs/architecture.md §4: the listener's LocalAET/RemoteAET checks first (skipped when both are `*`), then
 * the (calling, called) association context decides; each proposed presentation context is answered
 * per PS3.8 Table 9-18. Rejections follow PS3.8 Table 9-21 (see {@link Rejections}).
 */
export async function decideAssociation(
  proposal: AssociationProposal,
  listener: CompiledListenerAcceptance,
  lookup: AssociationContextLookup,
): Promise<AssociationDecision> {
  if (proposal.applicationContextName !== DICOM_APPLICATION_CONTEXT) {
    return { kind: 'reject', rejection: Rejections.applicationContextUnsupported(proposal.applicationContextName) };
  }
  const called = proposal.calledAet.trim();
  if (listener.localAet !== '*' && called !== listener.localAet) {
    return { kind: 'reject', rejection: Rejections.calledAetUnknown(called) };
  }
  const remote = matchRemoteAet(listener.remoteRules, proposal.callingAet.trim());
  if (!remote.matched) {
    return { kind: 'reject', rejection: Rejections.callingAetUnknown(proposal.callingAet.trim()) };
  }
  const calling = remote.effectiveCallingAet;
  const found = await lookup(calling, called);
  if (!found.found) {
    const rejection = found.callingAetKnown ? Rejections.calledAetUnknown(called) : Rejections.callingAetUnknown(calling);
    return { kind: 'reject', rejection };
  }
  return {
    kind: 'accept',
    presentationContexts: negotiatePresentationContexts(proposal.presentationContexts, found.contexts),
    effectiveCallingAet: calling,
  };
}
