import {
  aeTitleProblem,
  compileObjectScriptPattern,
  matchRemoteAet,
  parseRemoteAet,
  parseRemoteAetList,
  splitRemoteAetList,
} from './remote-aet';

/** Does the ObjectScript pattern (text after `?`) accept the whole value? */
function accepts(pattern: string, value: string): boolean {
  return compileObjectScriptPattern(pattern).regex.test(value);
}

describe('RemoteAET semantics (docs/architecture.md §4)', () => {
  it('?1"B".E/JD-SCU: one literal B then anything, validated as JD-SCU', () => {
    const rules = parseRemoteAetList(['?1"B".E/JD-SCU']);
    expect(matchRemoteAet(rules, 'BONE-CT')).toEqual(
      expect.objectContaining({ matched: true, effectiveCallingAet: 'JD-SCU' }),
    );
    expect(matchRemoteAet(rules, 'B')).toEqual(
      expect.objectContaining({ matched: true, effectiveCallingAet: 'JD-SCU' }),
    );
    expect(matchRemoteAet(rules, 'ABC').matched).toBe(false);
    expect(matchRemoteAet(rules, 'bone').matched).toBe(false);
  });

  it('?.E accepts any caller and keeps its title', () => {
    const rules = parseRemoteAetList(['?.E']);
    expect(matchRemoteAet(rules, 'STORESCU')).toEqual(
      expect.objectContaining({ matched: true, effectiveCallingAet: 'STORESCU' }),
    );
  });

  it('* accepts any caller and keeps its title', () => {
    const rules = parseRemoteAetList(['*']);
    expect(rules[0].kind).toBe('any');
    expect(matchRemoteAet(rules, 'ANY-SCU')).toEqual(
      expect.objectContaining({ matched: true, effectiveCallingAet: 'ANY-SCU' }),
    );
  });

  it('the first matching rule wins', () => {
    const rules = parseRemoteAetList(['MODALITY', '?1"M".E/M-GROUP', '?.E/OTHERS']);
    expect(matchRemoteAet(rules, 'MODALITY')).toEqual(
      expect.objectContaining({ matched: true, effectiveCallingAet: 'MODALITY', rule: rules[0] }),
    );
    expect(matchRemoteAet(rules, 'MR1').effectiveCallingAet).toBe('M-GROUP');
    expect(matchRemoteAet(rules, 'CT1').effectiveCallingAet).toBe('OTHERS');
  });

  it('an empty list accepts nobody', () => {
    expect(matchRemoteAet([], 'STORESCU')).toEqual({ matched: false, effectiveCallingAet: 'STORESCU' });
  });
});

describe('literal AE titles', () => {
  it('compare after trimming leading and trailing spaces (PS3.5 Table 6.2-1)', () => {
    const rules = parseRemoteAetList(['  STORESCU  ']);
    expect(matchRemoteAet(rules, 'STORESCU        ').matched).toBe(true);
    expect(matchRemoteAet(rules, ' STORESCU').effectiveCallingAet).toBe('STORESCU');
  });

  it('keep inner spaces significant', () => {
    const rules = parseRemoteAetList(['MY SCU']);
    expect(matchRemoteAet(rules, 'MY SCU').matched).toBe(true);
    expect(matchRemoteAet(rules, 'MYSCU').matched).toBe(false);
    expect(matchRemoteAet(rules, 'MY  SCU').matched).toBe(false);
  });

  it('are case-sensitive', () => {
    const rules = parseRemoteAetList(['STORESCU']);
    expect(matchRemoteAet(rules, 'storescu').matched).toBe(false);
  });

  it('a calling title that is not a valid AE matches nothing, not even *', () => {
    const rules = parseRemoteAetList(['*']);
    expect(matchRemoteAet(rules, '                ').matched).toBe(false);
    expect(matchRemoteAet(rules, 'SEVENTEEN-CHARS-X').matched).toBe(false);
    expect(matchRemoteAet(rules, 'BACK\\SLASH').matched).toBe(false);
    expect(matchRemoteAet(rules, 'LINE\nFEED').matched).toBe(false);
  });
});

describe('ObjectScript pattern codes', () => {
  it.each([
    ['1A', 'a', true],
    ['1A', 'Z', true],
    ['1A', '1', false],
    ['1U', 'Q', true],
    ['1U', 'q', false],
    ['1L', 'q', true],
    ['1L', 'Q', false],
    ['1N', '7', true],
    ['1N', 'x', false],
    ['1P', '-', true],
    ['1P', ' ', true],
    ['1P', '_', true],
    ['1P', 'A', false],
    ['1C', '\x07', true],
    ['1C', 'A', false],
    ['1E', '\x07', true],
    ['1E', '-', true],
  ])('?%s on %j → %s', (pattern, value, expected) => {
    expect(accepts(pattern, value)).toBe(expected);
  });

  it('combines codes: 1AN is one letter or digit', () => {
    expect(accepts('3AN', 'a1B')).toBe(true);
    expect(accepts('3AN', 'a-B')).toBe(false);
    expect(accepts('.UNP', 'CT-01 MAIN')).toBe(true);
  });

  it('accepts codes in either case, as ObjectScript does', () => {
    expect(accepts('.e', 'anything')).toBe(true);
    expect(accepts('2u', 'AB')).toBe(true);
  });

  it('matches the whole title, not a part of it', () => {
    expect(accepts('2N', '123')).toBe(false);
    expect(accepts('2N', 'x12')).toBe(false);
  });
});

describe('repeat counts', () => {
  it.each([
    ['3N', ['123'], ['12', '1234']],
    ['1.3N', ['1', '12', '123'], ['', '1234']],
    ['.2N', ['', '1', '12'], ['123']],
    ['2.N', ['12', '12345'], ['1']],
    ['.N', ['', '1', '123456'], ['a']],
    ['0N', [''], ['1']],
  ])('?%s', (pattern, good, bad) => {
    for (const value of good) expect(accepts(pattern, value)).toBe(true);
    for (const value of bad) expect(accepts(pattern, value)).toBe(false);
  });

  it('repeats literals and groups as a whole', () => {
    expect(accepts('2"AB"', 'ABAB')).toBe(true);
    expect(accepts('2"AB"', 'ABB')).toBe(false);
    expect(accepts('3N1"-"2N1"-"4N', '123-45-6789')).toBe(true);
  });

  it('backtracks like the ObjectScript matcher: .E then a literal', () => {
    expect(accepts('.E1"-SCU"', 'CT-SCU-SCU')).toBe(true);
    expect(accepts('.E1"-SCU"', 'CT-SCP')).toBe(false);
  });
});

describe('quoted literals', () => {
  it('are case-sensitive and may hold spaces and RegExp metacharacters', () => {
    expect(accepts('1"MY SCU"', 'MY SCU')).toBe(true);
    expect(accepts('1"MY SCU"', 'my scu')).toBe(false);
    expect(accepts('1"A.B"', 'A.B')).toBe(true);
    expect(accepts('1"A.B"', 'AxB')).toBe(false);
    expect(accepts('1"(*)"', '(*)')).toBe(true);
    expect(accepts('1"A/B"', 'A/B')).toBe(true);
  });

  it('write a double quote as ""', () => {
    expect(accepts('1"A""B"', 'A"B')).toBe(true);
  });

  it('keep / and , inside a literal out of the substitution and the list', () => {
    const rule = parseRemoteAet('?1"A/B".E/SUB');
    expect(rule).toEqual(expect.objectContaining({ kind: 'pattern', substitution: 'SUB' }));
    expect(matchRemoteAet([rule], 'A/BX').effectiveCallingAet).toBe('SUB');
  });
});

describe('alternation', () => {
  it('(…,…) accepts any of its sequences', () => {
    expect(accepts('1(1"CT",1"MR")2N', 'CT01')).toBe(true);
    expect(accepts('1(1"CT",1"MR")2N', 'MR99')).toBe(true);
    expect(accepts('1(1"CT",1"MR")2N', 'US01')).toBe(false);
  });

  it('repeats with its count and nests', () => {
    expect(accepts('2(1"A",1N)', 'A7')).toBe(true);
    expect(accepts('1.3(1"X",2N1(1"Y",1"Z"))', 'X12YX')).toBe(true);
    expect(accepts('1(1"X",2N1(1"Y",1"Z"))', '12Q')).toBe(false);
  });

  it('holds multi-element alternatives', () => {
    expect(accepts('1(2U1"-"2N,3N)', 'CT-01')).toBe(true);
    expect(accepts('1(2U1"-"2N,3N)', '123')).toBe(true);
    expect(accepts('1(2U1"-"2N,3N)', 'CT01')).toBe(false);
  });
});

describe('malformed names', () => {
  it.each([
    ['?', /expected a pattern element/],
    ['?/SUB', /expected a pattern element/],
    ['?E', /expected a repeat count/],
    ['?1', /must be followed by/],
    ['?1X', /pattern code "X" is not supported/],
    ['?1"AB', /unterminated string literal/],
    ['?1""', /empty string literal/],
    ['?1(1"A",1"B"', /unclosed alternation/],
    ['?1("A","B")', /expected a repeat count/],
    ['?1()', /expected a pattern element/],
    ['?1(1"A",)', /expected a pattern element/],
    ['?3.1N', /minimum above its maximum/],
    ['?1N)', /unexpected "\)"/],
    ['?1 N', /unexpected " "/],
    ['?5000N', /exceeds 1000/],
    ['?.E/', /substitution "" is not valid/],
    ['?.E/SEVENTEEN-CHARS-X', /substitution .* at most 16/],
    ['?.E/A\\B', /substitution .* backslash/],
    ['SEVENTEEN-CHARS-X', /at most 16/],
    ['   ', /empty or only spaces/],
    ['BACK\\SLASH', /backslash/],
    ['TAB\tAE', /printable ASCII/],
  ])('%j is rejected', (entry, message) => {
    expect(() => parseRemoteAet(entry)).toThrow(message);
  });

  it('names the position of the mistake', () => {
    expect(() => parseRemoteAet('?1N1Q')).toThrow('at position 4');
  });

  it('reports every bad entry of a list in one Error, each by index and text', () => {
    let thrown: Error | undefined;
    try {
      parseRemoteAetList(['GOOD', '?1X', 'ALSO-GOOD', 'BACK\\SLASH']);
    } catch (error) {
      thrown = error as Error;
    }
    expect(thrown?.message).toContain('entry 1 "?1X"');
    expect(thrown?.message).toContain('entry 3 "BACK\\\\SLASH"');
    expect(thrown?.message).not.toContain('GOOD"');
  });
});

describe('splitRemoteAetList', () => {
  it('splits the engine’s comma list, keeping commas inside patterns', () => {
    expect(splitRemoteAetList('STORESCU, ?1(1"CT",1"MR").E/MODALITY , ?1"A,B".E')).toEqual([
      'STORESCU',
      '?1(1"CT",1"MR").E/MODALITY',
      '?1"A,B".E',
    ]);
  });

  it('drops empty names', () => {
    expect(splitRemoteAetList(' , A,,B ')).toEqual(['A', 'B']);
  });
});

describe('aeTitleProblem', () => {
  it('accepts the PS3.5 AE repertoire up to 16 characters', () => {
    expect(aeTitleProblem('DICOM-ROUTER')).toBeUndefined();
    expect(aeTitleProblem(' 16-CHARACTERS-X ')).toBeUndefined();
    expect(aeTitleProblem('lower_case.ok*')).toBeUndefined();
  });
});
