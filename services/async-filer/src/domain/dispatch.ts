import type { FilerConfig, ProductionConfig } from '@dicom-router/config';
import type { InstanceStoredV1 } from '@dicom-router/contracts';
import { parseAttributeName, RuleSet, type InstanceFacts } from '@dicom-router/routing-rules';
import type { DocumentStatus } from './document-status';

/** One queue row to write for a stored instance: its status for one filer. */
export interface DispatchedDocument {
  filer: string;
  destination: string;
  status: Extract<DocumentStatus, 'Queued' | 'Ignored' | 'Errored'>;
  remark: string;
}

/**
 * Which filers see an instance, and what each decides (docs/architecture.md §3 async-filer). An async listener
 * (or a file intake) names its filers in `target`; every one of them evaluates its condition with
 * the same CEL rules the synchronous router uses. A condition that cannot be decided for this
 * instance is recorded as Errored with the reason, so an operator sees it instead of it vanishing.
 */
export class Dispatcher {
  private readonly filers = new Map<string, FilerConfig>();
  private readonly rules: RuleSet;

  constructor(private readonly production: ProductionConfig) {
    for (const filer of production.filers) this.filers.set(filer.name, filer);
    // An absent condition sends everything (production.yaml schema default 'true').
    this.rules = RuleSet.compile(
      production.filers.map((f) => ({ name: f.name, condition: conditionOf(f), destinations: [f.destination] })),
    );
  }

  /** The filers that an instance stored through `listener` (or the file intake in `source`) goes to. */
  filersFor(stored: Pick<InstanceStoredV1, 'listener' | 'source'>): FilerConfig[] {
    let target: string | readonly string[] | undefined;
    if (stored.source === 'association') {
      const listener = this.production.listeners.find((l) => l.name === stored.listener);
      if (!listener || listener.mode !== 'async') return [];
      target = listener.target;
    } else {
      const intake = this.production.fileIntakes.find((f) => `file-intake:${f.name}` === stored.source);
      target = intake?.target;
    }
    const names = typeof target === 'string' ? [target] : (target ?? []);
    return names.map((name) => this.filers.get(name)).filter((f): f is FilerConfig => f !== undefined);
  }

  dispatch(stored: InstanceStoredV1): DispatchedDocument[] {
    const filers = this.filersFor(stored);
    if (filers.length === 0) return [];
    const wanted = new Set(filers.map((f) => f.name));
    const verdicts = this.rules.evaluate(factsOf(stored)).filter((v) => wanted.has(v.rule));
    return verdicts.map((verdict) => {
      const destination = verdict.destinations[0];
      if ('error' in verdict) {
        return { filer: verdict.rule, destination, status: 'Errored', remark: `condition could not be decided: ${verdict.error}` };
      }
      return verdict.matched
        ? { filer: verdict.rule, destination, status: 'Queued', remark: '' }
        : { filer: verdict.rule, destination, status: 'Ignored', remark: 'condition does not hold' };
    });
  }
}

export function conditionOf(filer: FilerConfig): string {
  return (filer.condition as string | undefined) ?? 'true';
}

/** The facts a condition reads, from the stored event (attributes arrive by keyword or tag). */
export function factsOf(stored: InstanceStoredV1): InstanceFacts {
  const attributes = new Map<number, { value: string }>();
  for (const [name, value] of Object.entries(stored.attributes ?? {})) {
    if (typeof value !== 'string') continue;
    try {
      attributes.set(parseAttributeName(name), { value });
    } catch {
      // An attribute name this release does not know cannot be asked for by a condition either.
    }
  }
  return {
    callingAet: stored.callingAet ?? '',
    calledAet: stored.calledAet ?? '',
    peerAddress: '',
    source: stored.source,
    sopClassUid: stored.sopClassUid,
    sopInstanceUid: stored.sopInstanceUid,
    transferSyntaxUid: stored.transferSyntaxUid,
    attributes,
  };
}
