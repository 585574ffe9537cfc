/**
 * Routing conditions written in CEL (https://cel.dev) over the facts of one stored instance: which
 * association it came on and its leading attributes. See README.md for the variables and examples.
 */
export { parseAttributeName } from './attribute-name';
export { compileCondition, ConditionError, ConditionEvaluationError, type RoutingCondition } from './condition';
export { ATTRIBUTE_VARIABLES, CONTEXT_VARIABLES, VARIABLE_NAMES, type InstanceFacts, type VariableName } from './facts';
export { RuleSet, type RuleDefinition, type RuleVerdict } from './routes';
