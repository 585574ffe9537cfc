import type { ErrorObject } from 'ajv';

/** A location in the document, as written by people: `listeners[0].localAet`. */
export type PathSegment = string | number;

export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? '(root)' : out;
}

/** RFC 6901 pointer (ajv's instancePath) to segments; array indices become numbers. */
function pointerSegments(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : segment));
}

/** What each named pattern of schema.json means, since a RegExp is no explanation. */
const PATTERN_MEANINGS: Readonly<Record<string, string>> = {
  uid: 'must be a UID (PS3.5 §9.1): digits and dots, no empty component, no leading zero in a multi-digit component',
  aeTitle: 'must be an AE title (PS3.5 Table 6.2-1): printable ASCII without backslash, not only spaces',
  versionName: 'must be printable ASCII without backslash, not starting or ending with a space',
  remoteAetEntry: "must be '*', a literal AE title, or '?Pattern' / '?Pattern/Substitution'",
  name: 'must be letters, digits, ".", "_" or "-", starting with a letter or digit',
  host: 'must be a host name or an IP address',
};

const TYPE_NAMES: Readonly<Record<string, string>> = {
  array: 'a list',
  boolean: 'true or false',
  integer: 'a whole number',
  number: 'a number',
  object: 'a mapping',
  string: 'a string',
};

/** Keywords whose failure is already explained by an error from inside them (`if` → its `then`). */
const EXPLAINED_ELSEWHERE = new Set(['if', 'anyOf', 'not', 'const']);

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function shown(data: unknown): string {
  if (data === null || ['string', 'number', 'boolean'].includes(typeof data)) {
    const text = JSON.stringify(data);
    return ` (got ${text.length > 80 ? `${text.slice(0, 77)}...` : text})`;
  }
  return '';
}

function patternMeaning(error: ErrorObject): string {
  const segments = error.schemaPath.split('/');
  const named = segments.length >= 2 ? segments[segments.length - 2] : '';
  return PATTERN_MEANINGS[named] ?? `must match ${String(error.params['pattern'])}`;
}

/**
 * One line per schema violation: path, what is wrong, and the offending value when it is a scalar.
 * The validator must run with `verbose: true` so that errors carry their data and parent schema.
 */
export function formatSchemaError(error: ErrorObject): string | undefined {
  if (EXPLAINED_ELSEWHERE.has(error.keyword)) return undefined;
  const at = pointerSegments(error.instancePath);
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${formatPath([...at, String(p['missingProperty'])])}: is required`;
    case 'additionalProperties': {
      const known = Object.keys((error.parentSchema?.['properties'] as object | undefined) ?? {});
      return `${formatPath([...at, String(p['additionalProperty'])])}: is not a known property (known: ${known.join(', ')})`;
    }
    case 'type':
      return `${formatPath(at)}: must be ${TYPE_NAMES[String(p['type'])] ?? p['type']}${shown(error.data)}`;
    case 'enum':
      return `${formatPath(at)}: must be one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}${shown(error.data)}`;
    case 'maxLength':
      return `${formatPath(at)}: must be at most ${plural(Number(p['limit']), 'character')}${shown(error.data)}`;
    case 'minLength':
      return `${formatPath(at)}: must not be empty`;
    case 'maximum':
      return `${formatPath(at)}: must be at most ${p['limit']}${shown(error.data)}`;
    case 'minimum':
      return `${formatPath(at)}: must be at least ${p['limit']}${shown(error.data)}`;
    case 'minItems':
      return `${formatPath(at)}: must have at least ${plural(Number(p['limit']), 'item')}`;
    case 'uniqueItems':
      return `${formatPath(at)}: items ${p['j']} and ${p['i']} are the same; list each once`;
    case 'pattern':
      return `${formatPath(at)}: ${patternMeaning(error)}${shown(error.data)}`;
    default:
      return `${formatPath(at)}: ${error.message ?? error.keyword}`;
  }
}
