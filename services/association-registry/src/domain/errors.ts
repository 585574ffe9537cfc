/** One thing wrong with a request: where (a field path or a line of an import file) and what to do about it. */
export interface Problem {
  readonly field?: string;
  readonly line?: number;
  readonly message: string;
}

/** Enough to correct a file in one round; a hostile input must not turn into a huge error response. */
const MAX_REPORTED_PROBLEMS = 100;

/** The input breaks a rule; every problem found is listed (up to a bound), so one correction round is enough. */
export class ValidationError extends Error {
  readonly problems: readonly Problem[];

  constructor(message: string, problems: readonly Problem[] = []) {
    super(message);
    this.name = 'ValidationError';
    const omitted = problems.length - MAX_REPORTED_PROBLEMS;
    this.problems = omitted > 0 ? [...problems.slice(0, MAX_REPORTED_PROBLEMS), { message: `…and ${omitted} more problems` }] : problems;
  }
}

export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** The change would break uniqueness (an existing AE title pair, an abstract syntax already present). */
export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** Throws one ValidationError carrying every problem, if there is any. */
export function throwIfProblems(message: string, problems: readonly Problem[]): void {
  if (problems.length > 0) throw new ValidationError(message, problems);
}
