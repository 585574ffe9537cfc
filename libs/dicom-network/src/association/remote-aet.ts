/**
 * Which calling AE titles a listener accepts (docs/architecture.md §4 "RemoteAET semantics").
 *
 * A RemoteAET list holds names. A name is
 *  - `*`: any calling AE title;
 *  - `?Pattern` or `?Pattern/Substitution`: an InterSystems ObjectScript pattern-match expression
 *    (the `?` operator). With a substitution, the association is then validated as if the calling AE
 *    title were the substitution; without one, the calling AE title stays as it is;
 *  - anything else: a literal AE title.
 *
 * Patterns are compiled once, at start-up, to anchored RegExps, so matching an A-ASSOCIATE-RQ is a
 * single `RegExp.test`. The caller's title is at most 16 characters (PS3.8 §9.3.2), which keeps the
 * backtracking of any pattern, however nested, bounded.
 */

export type RemoteAetRule =
  | { readonly kind: 'any'; readonly source: string }
  | { readonly kind: 'literal'; readonly source: string; readonly aeTitle: string }
  | {
      readonly kind: 'pattern';
      readonly source: string;
      readonly regex: RegExp;
      readonly substitution?: string;
    };

export interface RemoteAetMatch {
  readonly matched: boolean;
  /** The AE title the association is validated as: the substitution of the matching rule, if any. */
  readonly effectiveCallingAet: string;
  /** The first rule that matched; absent when none did. */
  readonly rule?: RemoteAetRule;
}

/** PS3.5 Table 6.2-1, AE VR: at most 16 characters. */
const AE_TITLE_MAX_LENGTH = 16;

/** Repeat counts above this cannot be useful against a 16-character title and would only bloat RegExps. */
const MAX_REPEAT_COUNT = 1000;

/**
 * Why an AE title is not valid, or undefined when it is. PS3.5 Table 6.2-1 (AE VR): characters of the
 * Default Character Repertoire (ISO-IR 6, i.e. printable ASCII 20H–7EH here) except backslash (5CH) and
 * control characters, at most 16, leading and trailing spaces non-significant, not only spaces.
 * The title is checked after trimming, since the padding is not part of it.
 */
export function aeTitleProblem(title: string): string | undefined {
  const trimmed = title.trim();
  if (trimmed.length === 0) return 'an AE title must not be empty or only spaces';
  if (trimmed.length > AE_TITLE_MAX_LENGTH) return `an AE title has at most ${AE_TITLE_MAX_LENGTH} characters`;
  if (!/^[\x20-\x5B\x5D-\x7E]+$/.test(trimmed)) {
    return 'an AE title may contain only printable ASCII characters other than backslash';
  }
  return undefined;
}

/**
 * Splits the engine's comma-separated RemoteAET setting into names. Commas inside a quoted pattern
 * literal or inside an alternation group belong to the pattern, not to the list.
 */
export function splitRemoteAetList(text: string): string[] {
  const names: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
    } else if (ch === '(') {
      depth++;
    } else if (ch === ')') {
      depth = Math.max(0, depth - 1);
    } else if (ch === ',' && depth === 0) {
      names.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  names.push(text.slice(start).trim());
  return names.filter((name) => name.length > 0);
}

/**
 * Compiles a RemoteAET list. Every malformed name is reported in one Error, each by its position and
 * text, so that a configuration mistake is fixed in one round.
 */
export function parseRemoteAetList(list: readonly string[]): RemoteAetRule[] {
  const rules: RemoteAetRule[] = [];
  const problems: string[] = [];
  list.forEach((entry, index) => {
    try {
      rules.push(parseRemoteAet(entry));
    } catch (error) {
      problems.push(`entry ${index} ${JSON.stringify(entry)}: ${(error as Error).message}`);
    }
  });
  if (problems.length > 0) {
    throw new Error(`Invalid RemoteAET list:\n  - ${problems.join('\n  - ')}`);
  }
  return rules;
}

/** Compiles one RemoteAET name; throws an Error saying what is wrong with it. */
export function parseRemoteAet(entry: string): RemoteAetRule {
  const source = entry.trim();
  if (source === '*') return { kind: 'any', source };
  if (source.startsWith('?')) {
    const { regex, rest } = compileObjectScriptPattern(source.slice(1));
    if (rest === undefined) return { kind: 'pattern', source, regex };
    const problem = aeTitleProblem(rest);
    if (problem) throw new Error(`substitution ${JSON.stringify(rest)} is not valid: ${problem}`);
    return { kind: 'pattern', source, regex, substitution: rest.trim() };
  }
  const problem = aeTitleProblem(source);
  if (problem) throw new Error(problem);
  return { kind: 'literal', source, aeTitle: source };
}

/**
 * Tests a calling AE title against the rules; the first rule that matches wins.
 *
 * Comparison is case-sensitive: PS3.5 Table 6.2-1 admits both cases of the Default Character Repertoire
 * for AE and, unlike CS, defines no case folding, and PS3.8 §9.3.2 treats the title as a fixed field
 * in which only leading and trailing spaces are non-significant — so `storescu` and `STORESCU` are
 * different titles. A calling title that is not a valid AE (too long, only spaces, backslash, control
 * characters) matches nothing, not even `*`.
 */
export function matchRemoteAet(rules: readonly RemoteAetRule[], callingAet: string): RemoteAetMatch {
  const calling = callingAet.trim();
  if (aeTitleProblem(calling)) return { matched: false, effectiveCallingAet: calling };
  for (const rule of rules) {
    switch (rule.kind) {
      case 'any':
        return { matched: true, effectiveCallingAet: calling, rule };
      case 'literal':
        if (rule.aeTitle === calling) return { matched: true, effectiveCallingAet: calling, rule };
        break;
      case 'pattern':
        if (rule.regex.test(calling)) {
          return { matched: true, effectiveCallingAet: rule.substitution ?? calling, rule };
        }
        break;
    }
  }
  return { matched: false, effectiveCallingAet: calling };
}

/*
 * ObjectScript pattern codes, English locale, over the Latin-1 range as InterSystems documents them
 * (Pattern Match operator reference). AE titles are ASCII, but keeping the documented classes means a
 * pattern behaves here exactly as it did in the engine.
 */
const PATTERN_CODE_CLASSES: Readonly<Record<string, string>> = {
  A: 'A-Za-z\\xAA\\xB5\\xBA\\xC0-\\xD6\\xD8-\\xF6\\xF8-\\xFF',
  C: '\\x00-\\x1F\\x7F-\\x9F',
  E: '\\s\\S',
  L: 'a-z\\xAA\\xB5\\xBA\\xDF-\\xF6\\xF8-\\xFF',
  N: '0-9',
  P: ' -\\/:-@\\[-`{-~\\xA0-\\xA9\\xAB-\\xB1\\xB4\\xB6-\\xB8\\xBB\\xBF\\xD7\\xF7',
  U: 'A-Z\\xC0-\\xD6\\xD8-\\xDE',
};

/**
 * Compiles an ObjectScript pattern (the text after `?`) to an anchored RegExp.
 *
 * Grammar (whitespace is not allowed outside quoted strings, as in ObjectScript):
 *   pattern     := element+
 *   element     := count ( codes | string | alternation )
 *   count       := n | n.m | .m | n. | .        (exactly n, n to m, up to m, at least n, any)
 *   codes       := one or more of A C E L N P U, either case (several codes: any one of them)
 *   string      := "…" with "" standing for one double quote
 *   alternation := ( pattern , pattern , … )
 * Parsing stops at a top-level `/`; what follows is returned as `rest` (the substitution).
 */
export function compileObjectScriptPattern(text: string): { regex: RegExp; rest?: string } {
  const parser = new PatternParser(text);
  const body = parser.parseSequence(true);
  let rest: string | undefined;
  if (parser.peek() === '/') rest = text.slice(parser.position + 1);
  else if (!parser.atEnd()) parser.fail(`unexpected ${JSON.stringify(parser.peek())}`);
  return { regex: new RegExp(`^(?:${body})$`), rest };
}

class PatternParser {
  position = 0;

  constructor(private readonly text: string) {}

  peek(): string | undefined {
    return this.text[this.position];
  }

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  fail(message: string): never {
    throw new Error(`pattern ${JSON.stringify(this.text)}: ${message} at position ${this.position + 1}`);
  }

  /** element+ up to the end, a top-level `/`, or (inside a group) `,` / `)`. */
  parseSequence(topLevel: boolean): string {
    let out = '';
    while (!this.atEnd()) {
      const ch = this.peek();
      if (topLevel && ch === '/') break;
      if (!topLevel && (ch === ',' || ch === ')')) break;
      out += this.parseElement();
    }
    if (out === '') this.fail('expected a pattern element (a repeat count followed by codes, "string" or (…))');
    return out;
  }

  private parseElement(): string {
    const quantifier = this.parseCount();
    const ch = this.peek();
    if (ch === '"') return `(?:${this.parseString()})${quantifier}`;
    if (ch === '(') return `(?:${this.parseAlternation()})${quantifier}`;
    if (ch !== undefined && /[A-Za-z]/.test(ch)) return `${this.parseCodes()}${quantifier}`;
    if (ch === undefined) return this.fail('a repeat count must be followed by codes, "string" or (…)');
    return this.fail(`unexpected ${JSON.stringify(ch)}`);
  }

  /**
   * Returns the RegExp quantifier for n, n.m, .m, n. or `.`. ObjectScript requires a count on every
   * element, including each element inside an alternation: `1(1"CT",1"MR")`, not `1("CT","MR")`.
   */
  private parseCount(): string {
    const min = this.parseInteger();
    if (this.peek() !== '.') {
      if (min === undefined) {
        const ch = this.peek();
        const found = ch === undefined ? 'end of pattern' : `unexpected ${JSON.stringify(ch)}`;
        this.fail(`${found}: expected a repeat count (n, n.m, .m, n. or .)`);
      }
      return `{${min}}`;
    }
    this.position++;
    const max = this.parseInteger();
    if (min !== undefined && max !== undefined && min > max) {
      this.fail(`repeat count ${min}.${max} has its minimum above its maximum`);
    }
    if (max === undefined) return min === undefined || min === 0 ? '*' : `{${min},}`;
    return `{${min ?? 0},${max}}`;
  }

  private parseInteger(): number | undefined {
    const match = /^\d+/.exec(this.text.slice(this.position));
    if (!match) return undefined;
    const value = Number(match[0]);
    if (value > MAX_REPEAT_COUNT) this.fail(`repeat count ${value} exceeds ${MAX_REPEAT_COUNT}`);
    this.position += match[0].length;
    return value;
  }

  private parseCodes(): string {
    let classes = '';
    while (!this.atEnd() && /[A-Za-z]/.test(this.peek() as string)) {
      const code = (this.peek() as string).toUpperCase();
      const cls = PATTERN_CODE_CLASSES[code];
      if (cls === undefined) {
        this.fail(`pattern code ${JSON.stringify(this.peek())} is not supported (use A, C, E, L, N, P or U)`);
      }
      classes += cls;
      this.position++;
    }
    return `[${classes}]`;
  }

  /** A quoted literal; `""` inside it is one `"`, as in ObjectScript strings. */
  private parseString(): string {
    const start = this.position;
    this.position++;
    let literal = '';
    for (;;) {
      const ch = this.peek();
      if (ch === undefined) {
        this.position = start;
        this.fail('unterminated string literal');
      }
      this.position++;
      if (ch === '"') {
        if (this.peek() !== '"') break;
        this.position++;
      }
      literal += ch;
    }
    if (literal === '') {
      this.position = start;
      this.fail('empty string literal');
    }
    return literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }

  private parseAlternation(): string {
    const open = this.position;
    this.position++;
    const alternatives = [this.parseSequence(false)];
    while (this.peek() === ',') {
      this.position++;
      alternatives.push(this.parseSequence(false));
    }
    if (this.peek() !== ')') {
      this.position = open;
      this.fail('unclosed alternation "("');
    }
    this.position++;
    return alternatives.join('|');
  }
}
