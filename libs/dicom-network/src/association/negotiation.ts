import {
  AcceptedPresentationContext,
  PresentationContextResult,
  ProposedPresentationContext,
} from '../pdu/types';

/**
 * The presentation contexts an association context allows: abstract syntax → transfer syntaxes in
 * the order of our preference (docs/architecture.md §4: the registry's order decides, not the requester's).
 */
export type SupportedContexts = ReadonlyMap<string, readonly string[]>;

/**
 * PS3.8 §9.3.3.2 / Table 9-18: answer every proposed presentation context.
 * Abstract syntax unknown → 3; no transfer syntax in common → 4; otherwise the first transfer
 * syntax in *our* preference order that the requester proposed. No transfer-syntax conversion.
 */
export function negotiatePresentationContexts(
  proposed: readonly ProposedPresentationContext[],
  supported: SupportedContexts,
): AcceptedPresentationContext[] {
  return proposed.map((pc) => {
    const ours = supported.get(pc.abstractSyntax);
    if (!ours) {
      return { id: pc.id, result: PresentationContextResult.AbstractSyntaxNotSupported, transferSyntax: '' };
    }
    const chosen = ours.find((ts) => pc.transferSyntaxes.includes(ts));
    if (!chosen) {
      return { id: pc.id, result: PresentationContextResult.TransferSyntaxesNotSupported, transferSyntax: '' };
    }
    return { id: pc.id, result: PresentationContextResult.Acceptance, transferSyntax: chosen };
  });
}

/** The accepted contexts of an established association, by presentation context id. */
export interface AcceptedContext {
  id: number;
  abstractSyntax: string;
  transferSyntax: string;
}

export function acceptedContextsById(
  proposed: readonly ProposedPresentationContext[],
  answered: readonly AcceptedPresentationContext[],
): Map<number, AcceptedContext> {
  const byId = new Map<number, AcceptedContext>();
  for (const answer of answered) {
    if (answer.result !== PresentationContextResult.Acceptance) continue;
    const pc = proposed.find((p) => p.id === answer.id);
    if (pc) byId.set(answer.id, { id: answer.id, abstractSyntax: pc.abstractSyntax, transferSyntax: answer.transferSyntax });
  }
  return byId;
}
