import { celEnv, celFunc, CelScalar, isCelError, parse, plan, type CelEnv } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { parseAttributeName } from './attribute-name';
import {
  ATTRIBUTE_VARIABLES,
  CONTEXT_VARIABLES,
  VARIABLE_DECLARATIONS,
  VARIABLE_NAMES,
  type InstanceFacts,
  type VariableName,
} from './facts';

/** A condition that cannot be used: syntax, an unknown name, or a result that is not true/false. */
export class ConditionError extends Error {
  override readonly name = 'ConditionError';
}

/** A valid condition that failed on one instance, e.g. `int(attr("SeriesNumber"))` of a non-number. */
export class ConditionEvaluationError extends Error {
  override readonly name = 'ConditionEvaluationError';
}

/** A compiled condition, reusable for any number of instances. */
export interface RoutingCondition {
  readonly expression: string;
  /** True when the condition holds; throws ConditionEvaluationError when it cannot be decided. */
  matches(facts: InstanceFacts): boolean;
}

/** Empty facts: what validation evaluates a new condition against. */
const NO_FACTS: InstanceFacts = {
  callingAet: '',
  calledAet: '',
  peerAddress: '',
  source: '',
  sopClassUid: '',
  sopInstanceUid: '',
  transferSyntaxUid: '',
  attributes: new Map(),
};

/**
 * Messages of @bufbuild/cel that mean the expression is ill-typed whatever the instance, as opposed
 * to failing on a value (a conversion of an empty string, a regular expression on odd text).
 */
const TYPE_ERROR = /no matching overload|unbound function|unresolved attribute|no such overload/i;

/** Names the CEL parser itself calls (operators, macros' internals); never written by hand. */
function isOperator(name: string): boolean {
  return name.startsWith('_') || name.startsWith('@');
}

/**
 * `attr()` and `hasAttr()` read the instance being evaluated. CEL functions see only their
 * arguments, and evaluation is synchronous, so the facts are lent to them for the duration of one
 * `matches` call.
 */
let current: InstanceFacts = NO_FACTS;

function attributeValue(name: string): string | undefined {
  return current.attributes.get(parseAttributeName(name))?.value;
}

const env: CelEnv = celEnv({
  variables: VARIABLE_DECLARATIONS,
  funcs: [
    ...strings,
    celFunc('attr', [CelScalar.STRING], CelScalar.STRING, (name) => attributeValue(name) ?? ''),
    celFunc('hasAttr', [CelScalar.STRING], CelScalar.BOOL, (name) => attributeValue(name) !== undefined),
  ],
});

const ATTRIBUTE_TAGS = Object.fromEntries(
  Object.entries(ATTRIBUTE_VARIABLES).map(([variable, keyword]) => [variable, parseAttributeName(keyword)]),
) as Record<keyof typeof ATTRIBUTE_VARIABLES, number>;

function bindings(facts: InstanceFacts): Record<VariableName, string> {
  const values = {} as Record<VariableName, string>;
  for (const name of CONTEXT_VARIABLES) values[name] = facts[name];
  for (const [name, tag] of Object.entries(ATTRIBUTE_TAGS) as [keyof typeof ATTRIBUTE_TAGS, number][]) {
    values[name] = facts.attributes.get(tag)?.value ?? '';
  }
  return values;
}

/**
 * Compiles a condition and checks it as far as can be done without an instance:
 * - syntax (CEL's own message, with line and column);
 * - every variable and function exists, and every `attr("…")` / `hasAttr("…")` written with a
 *   literal names a PS3.6 keyword or a tag;
 * - evaluated on an instance with nothing known, it yields true or false and no type error.
 * Throws ConditionError saying what is wrong.
 */
export function compileCondition(expression: string): RoutingCondition {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(expression);
  } catch (error) {
    throw new ConditionError(`does not parse: ${(error as Error).message}`);
  }
  const problems = checkNames(parsed.expr);
  if (problems.length > 0) throw new ConditionError(problems.join('; '));

  let evaluate: (context: Record<VariableName, string>) => unknown;
  try {
    evaluate = plan(env, parsed) as (context: Record<VariableName, string>) => unknown;
  } catch (error) {
    throw new ConditionError((error as Error).message);
  }
  const run = (facts: InstanceFacts): unknown => {
    current = facts;
    try {
      return evaluate(bindings(facts));
    } finally {
      current = NO_FACTS;
    }
  };

  const probe = run(NO_FACTS);
  if (isCelError(probe)) {
    if (TYPE_ERROR.test(probe.message)) throw new ConditionError(probe.message);
  } else if (typeof probe !== 'boolean') {
    throw new ConditionError(`must evaluate to true or false, but gives ${describeValue(probe)}`);
  }

  return {
    expression,
    matches(facts: InstanceFacts): boolean {
      const result = run(facts);
      if (isCelError(result)) throw new ConditionEvaluationError(result.message);
      if (typeof result !== 'boolean') {
        throw new ConditionEvaluationError(`gave ${describeValue(result)} instead of true or false`);
      }
      return result;
    },
  };
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'bigint') return `the integer ${value}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (value === null) return 'null';
  return `a value of type ${typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value}`;
}

/** The parts of a parsed CEL expression (cel.expr.Expr) that name something. */
interface ExprNode {
  exprKind:
    | { case: 'identExpr'; value: { name: string } }
    | { case: 'selectExpr'; value: { operand?: ExprNode } }
    | { case: 'callExpr'; value: { function: string; target?: ExprNode; args: ExprNode[] } }
    | { case: 'listExpr'; value: { elements: ExprNode[] } }
    | { case: 'structExpr'; value: { messageName: string; entries: { keyKind: { case: string; value?: unknown }; value?: ExprNode }[] } }
    | {
        case: 'comprehensionExpr';
        value: {
          iterVar: string;
          iterVar2: string;
          accuVar: string;
          iterRange?: ExprNode;
          accuInit?: ExprNode;
          loopCondition?: ExprNode;
          loopStep?: ExprNode;
          result?: ExprNode;
        };
      }
    | { case: 'constExpr'; value: { constantKind: { case: string | undefined; value?: unknown } } }
    | { case: undefined; value?: undefined };
}

const KNOWN_VARIABLES = new Set<string>(VARIABLE_NAMES);
const ATTRIBUTE_FUNCTIONS = new Set(['attr', 'hasAttr']);

/** Unknown variables and functions, and attribute names that name nothing, each said once. */
function checkNames(root: unknown): string[] {
  const problems = new Set<string>();
  const visit = (node: ExprNode | undefined, bound: ReadonlySet<string>): void => {
    if (!node) return;
    const kind = node.exprKind;
    switch (kind.case) {
      case 'identExpr':
        if (!KNOWN_VARIABLES.has(kind.value.name) && !bound.has(kind.value.name)) {
          problems.add(`unknown variable ${kind.value.name} (known: ${VARIABLE_NAMES.join(', ')}; any other attribute: attr("Keyword") or attr("(gggg,eeee)"))`);
        }
        return;
      case 'selectExpr':
        return visit(kind.value.operand, bound);
      case 'callExpr': {
        const { function: name, target, args } = kind.value;
        if (!isOperator(name) && env.funcs.find(name) === undefined) problems.add(`unknown function ${name}()`);
        if (ATTRIBUTE_FUNCTIONS.has(name) && args.length === 1) {
          const argument = args[0].exprKind;
          if (argument.case === 'constExpr' && argument.value.constantKind.case === 'stringValue') {
            try {
              parseAttributeName(String(argument.value.constantKind.value));
            } catch (error) {
              problems.add(`${name}(): ${(error as Error).message}`);
            }
          }
        }
        visit(target, bound);
        for (const arg of args) visit(arg, bound);
        return;
      }
      case 'listExpr':
        for (const element of kind.value.elements) visit(element, bound);
        return;
      case 'structExpr':
        if (kind.value.messageName !== '') problems.add(`unknown message type ${kind.value.messageName}`);
        for (const entry of kind.value.entries) {
          if (entry.keyKind.case === 'mapKey') visit(entry.keyKind.value as ExprNode, bound);
          visit(entry.value, bound);
        }
        return;
      case 'comprehensionExpr': {
        const c = kind.value;
        visit(c.iterRange, bound);
        visit(c.accuInit, bound);
        const inner = new Set([...bound, c.iterVar, c.iterVar2, c.accuVar].filter((name) => name !== ''));
        visit(c.loopCondition, inner);
        visit(c.loopStep, inner);
        visit(c.result, inner);
        return;
      }
      default:
        return;
    }
  };
  visit(root as ExprNode, new Set());
  return [...problems];
}
