/**
 * Every problem found in one piece of configuration, reported together so that an operator fixes
 * them in one round instead of one restart per typo.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  /** One line per problem, each naming where it is (variable or JSON path) and what is expected. */
  readonly issues: readonly string[];

  /** @param source what was being read, e.g. `environment` or a file path */
  constructor(source: string, issues: readonly string[]) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(`Invalid configuration in ${source} (${count}):\n  - ${issues.join('\n  - ')}`);
    this.issues = Object.freeze([...issues]);
  }
}
