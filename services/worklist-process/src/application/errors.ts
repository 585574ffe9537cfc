/** One reason an item was refused: which item (or file), which attribute, why. */
export interface Problem {
  item?: string;
  attribute?: string;
  message: string;
}

/** The request cannot be applied; nothing was written. Becomes 400. */
export class ValidationError extends Error {
  constructor(
    message: string,
    readonly problems: readonly Problem[] = [],
  ) {
    super(message);
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** Becomes 415: the body is in a format this endpoint does not take. */
export class UnsupportedMediaTypeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedMediaTypeError';
  }
}
