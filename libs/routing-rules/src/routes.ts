import { compileCondition, ConditionError, ConditionEvaluationError, type RoutingCondition } from './condition';
import type { InstanceFacts } from './facts';

/** A routing rule as written in production.yaml (routes and filers alike). */
export interface RuleDefinition {
  readonly name: string;
  readonly condition: string;
  readonly destinations: readonly string[];
}

/** The verdict of one rule for one instance. */
export type RuleVerdict =
  | { readonly rule: string; readonly destinations: readonly string[]; readonly matched: boolean }
  | { readonly rule: string; readonly destinations: readonly string[]; readonly matched: false; readonly error: string };

/** The rules of a production, compiled once at start; a bad rule stops the start naming it. */
export class RuleSet {
  private constructor(private readonly rules: readonly { definition: RuleDefinition; condition: RoutingCondition }[]) {}

  /** Compiles every rule; all bad ones are reported in one ConditionError, each by name. */
  static compile(definitions: readonly RuleDefinition[]): RuleSet {
    const problems: string[] = [];
    const rules: { definition: RuleDefinition; condition: RoutingCondition }[] = [];
    for (const definition of definitions) {
      try {
        rules.push({ definition, condition: compileCondition(definition.condition) });
      } catch (error) {
        problems.push(`rule ${JSON.stringify(definition.name)}: ${(error as Error).message}`);
      }
    }
    if (problems.length > 0) throw new ConditionError(problems.join('\n'));
    return new RuleSet(rules);
  }

  /**
   * Every rule's verdict, in definition order. A rule that cannot be decided for this instance is
   * reported with its error and not counted as a match: the caller decides what an undecidable
   * rule means (the synchronous router fails the instance rather than skip a destination).
   */
  evaluate(facts: InstanceFacts): RuleVerdict[] {
    return this.rules.map(({ definition, condition }) => {
      const base = { rule: definition.name, destinations: definition.destinations };
      try {
        return { ...base, matched: condition.matches(facts) };
      } catch (error) {
        if (!(error instanceof ConditionEvaluationError)) throw error;
        return { ...base, matched: false as const, error: error.message };
      }
    });
  }

  /** Destinations of every matching rule, each once, in rule order. */
  destinationsFor(facts: InstanceFacts): string[] {
    const out = new Set<string>();
    for (const verdict of this.evaluate(facts)) if (verdict.matched) verdict.destinations.forEach((d) => out.add(d));
    return [...out];
  }
}
