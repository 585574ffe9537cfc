import type { AssociationDecision } from '@dicom-router/dicom-network';

/**
 * The registry's answers, by (calling, called, proposal, listener settings). Cleared whenever the
 * registry announces a change; an answer that was in flight while the cache was cleared may predate
 * the change, so it is not kept (the generation it was asked in is gone).
 */
export class NegotiationCache {
  private readonly answers = new Map<string, AssociationDecision>();
  private currentGeneration = 0;

  constructor(private readonly maxEntries = 10_000) {}

  get generation(): number {
    return this.currentGeneration;
  }

  get size(): number {
    return this.answers.size;
  }

  get(key: string): AssociationDecision | undefined {
    return this.answers.get(key);
  }

  /** Keeps `decision` unless the cache was cleared since `askedInGeneration`. */
  set(key: string, decision: AssociationDecision, askedInGeneration: number): void {
    if (askedInGeneration !== this.currentGeneration) return;
    if (this.answers.size >= this.maxEntries && !this.answers.has(key)) {
      // Oldest first (Map keeps insertion order): a bounded cache, whatever peers propose.
      const oldest = this.answers.keys().next();
      if (!oldest.done) this.answers.delete(oldest.value);
    }
    this.answers.set(key, decision);
  }

  clear(): void {
    this.currentGeneration++;
    this.answers.clear();
  }
}
