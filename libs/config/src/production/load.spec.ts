import { join } from 'node:path';
import { ConfigError } from '../config-error';
import { DEMO_PRODUCTION_PATH } from '../paths';
import { loadProduction, parseProduction, PRODUCTION_SCHEMA } from './load';

function issuesOf(load: () => unknown): readonly string[] {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

const parseIssues = (yaml: string) => issuesOf(() => parseProduction(yaml));

/** A valid association with one presentation context, to be spread and modified. */
const association = (callingAet: string, calledAet = 'DICOM-ROUTER', abstractSyntax = '1.2.840.10008.1.1') => `
  - name: test
    callingAet: ${JSON.stringify(callingAet)}
    calledAet: ${JSON.stringify(calledAet)}
    presentationContexts:
      - abstractSyntax: ${JSON.stringify(abstractSyntax)}
        transferSyntaxes: [1.2.840.10008.1.2]`;

describe('the shipped demo production', () => {
  const demo = loadProduction(DEMO_PRODUCTION_PATH);

  it('has one listener on 11112 that leaves the decision to the association registry', () => {
    expect(demo.listeners).toEqual([
      {
        name: 'dicom',
        port: 11112,
        bindAddress: '::',
        localAet: '*',
        remoteAets: ['*'],
        mode: 'async',
        noRouteStatus: 'success',
        routeTimeoutSeconds: 30,
        artimTimeoutSeconds: 30,
        txtimTimeoutSeconds: 30,
        maxAssociations: 50,
        acceptQueueSize: 128,
        maxPduLength: 65536,
        tls: { enabled: false },
        traceVerbosity: 0,
        duplicateInstancePolicy: 'overwrite',
        negotiation: 'registry',
      },
    ]);
  });

  it('accepts the default DCMTK titles and an example modality', () => {
    expect(demo.associations.map((a) => [a.callingAet, a.calledAet])).toEqual([
      ['ECHOSCU', 'ANY-SCP'],
      ['STORESCU', 'ANY-SCP'],
      ['FINDSCU', 'ANY-SCP'],
      ['MODALITY', 'DICOM-ROUTER'],
    ]);
    for (const { presentationContexts } of demo.associations) {
      const syntaxes = presentationContexts.map((c) => c.abstractSyntax);
      expect(syntaxes).toEqual(
        expect.arrayContaining([
          '1.2.840.10008.1.1',
          '1.2.840.10008.5.1.4.31',
          '1.2.840.10008.5.1.4.1.1.2',
          '1.2.840.10008.5.1.4.1.1.4',
          '1.2.840.10008.5.1.4.1.1.104.1',
        ]),
      );
      const ct = presentationContexts.find((c) => c.abstractSyntax === '1.2.840.10008.5.1.4.1.1.2');
      expect(ct?.transferSyntaxes.slice(0, 2)).toEqual(['1.2.840.10008.1.2.1', '1.2.840.10008.1.2']);
      expect(ct?.transferSyntaxes).toEqual(expect.arrayContaining(['1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.5']));
    }
  });

  it('takes the implementation and worklist defaults', () => {
    expect(demo.implementation).toEqual({ classUid: '2.25.100030543585475866236183110513822956206', versionName: 'DICOMROUTER_010' });
    expect(demo.worklist).toEqual({ maxMatches: 1000, overLimitPolicy: 'refuse', caseInsensitivePersonNames: false });
    expect(demo.destinations).toEqual([]);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(demo.associations[0].presentationContexts[0].transferSyntaxes)).toBe(true);
  });
});

describe('schema violations', () => {
  it('reports all three mistakes of a file at once, each with its path', () => {
    const issues = issuesOf(() => loadProduction(join(__dirname, '__fixtures__', 'three-mistakes.yaml')));
    expect(issues).toEqual([
      'listeners[0].localAet: must be at most 16 characters (got "DICOM-ROUTER-MAIN-CAMPUS")',
      'destinations[0].port: must be at most 65535 (got 70000)',
      'associations[0].presentationContexts[0].transferSyntax: is not a known property (known: abstractSyntax, transferSyntaxes)',
    ]);
  });

  it('names the file in the message', () => {
    const path = join(__dirname, '__fixtures__', 'three-mistakes.yaml');
    expect(() => loadProduction(path)).toThrow(`Invalid configuration in ${path} (3 problems):`);
  });

  it.each([
    ['1.2.840.10008.1.2.01', 'leading zero'],
    ['1.2..3', 'empty component'],
    ['1.2.3.', 'trailing dot'],
    ['1.2.abc', 'letters'],
    [`1.${'2'.repeat(63)}`, '65 characters'],
  ])('rejects the UID %j (%s)', (uid) => {
    const issues = parseIssues(`associations:${association('CT01', 'DICOM-ROUTER', uid)}`);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^associations\[0\]\.presentationContexts\[0\]\.abstractSyntax: must be (a UID|at most 64)/);
  });

  it('accepts 0 and multi-digit components without leading zeros', () => {
    expect(() => parseProduction(`associations:${association('CT01', 'DICOM-ROUTER', '1.0.10.2')}`)).not.toThrow();
  });

  it.each([
    ['SEVENTEEN-CHARS-X', 'must be at most 16 characters'],
    ['BACK\\SLASH', 'must be an AE title'],
    ['    ', 'must be an AE title'],
    ['TAB\tAE', 'must be an AE title'],
    ['', 'must be an AE title'],
  ])('rejects the AE title %j', (aeTitle, message) => {
    expect(parseIssues(`associations:${association(aeTitle)}`)).toEqual([
      expect.stringMatching(new RegExp(`^associations\\[0\\]\\.callingAet: ${message}`)),
    ]);
  });

  it('trims insignificant spaces of AE titles (PS3.5 Table 6.2-1)', () => {
    const config = parseProduction(`associations:${association(' CT01  ', 'lower case ok ')}`);
    expect(config.associations[0]).toEqual(expect.objectContaining({ callingAet: 'CT01', calledAet: 'lower case ok' }));
  });

  it('rejects unknown keys at every level', () => {
    expect(parseIssues('listners: []\nworklist:\n  maxMatch: 10\n')).toEqual([
      expect.stringMatching(/^listners: is not a known property \(known: implementation, listeners, /),
      'worklist.maxMatch: is not a known property (known: maxMatches, overLimitPolicy, caseInsensitivePersonNames)',
    ]);
  });

  it('reports missing fields, wrong types and enums', () => {
    const issues = parseIssues(`
listeners:
  - name: a
    port: "104"
    mode: fast
    remoteAets: []
destinations:
  - host: pacs
    port: 104
    calledAet: PACS
`);
    expect(issues).toEqual([
      'listeners[0].port: must be a whole number (got "104")',
      'listeners[0].remoteAets: must have at least 1 item',
      'listeners[0].mode: must be one of "sync", "async" (got "fast")',
      'destinations[0].name: is required',
    ]);
  });

  it('requires a TLS port when TLS is enabled and an archive path when files are moved', () => {
    expect(
      parseIssues(`
listeners:
  - { name: a, port: 104, remoteAets: ['*'], tls: { enabled: true } }
fileIntakes:
  - { name: drop, path: /in }
`),
    ).toEqual(['listeners[0].tls.port: is required', 'fileIntakes[0].archivePath: is required']);
    expect(() => parseProduction('fileIntakes:\n  - { name: drop, path: /in, afterStore: delete }')).not.toThrow();
  });

  it('negotiates from the static associations unless a listener asks the registry', () => {
    const listeners = (negotiation?: string) => `
listeners:
  - name: a
    port: 104
    remoteAets: ['*']${negotiation ? `\n    negotiation: ${negotiation}` : ''}
`;
    expect(parseProduction(listeners()).listeners[0].negotiation).toBe('static');
    expect(parseProduction(listeners('registry')).listeners[0].negotiation).toBe('registry');
    expect(parseIssues(listeners('dns'))).toEqual(['listeners[0].negotiation: must be one of "static", "registry" (got "dns")']);
  });

  it('gives routes and filers without a condition the condition "true" (every instance)', () => {
    const production = parseProduction(`
destinations:
  - { name: pacs, host: pacs.example.org, port: 104, calledAet: PACS }
routes:
  - { name: all, destinations: [pacs] }
filers:
  - { name: queue, destination: pacs }
`);
    expect(production.routes[0].condition).toBe('true');
    expect(production.filers[0].condition).toBe('true');
  });

  it('limits maxPduLength to 4 KiB … 16 MiB', () => {
    const listener = (max: number) => `listeners:\n  - { name: a, port: 104, remoteAets: ['*'], maxPduLength: ${max} }`;
    expect(parseIssues(listener(1024))).toEqual(['listeners[0].maxPduLength: must be at least 4096 (got 1024)']);
    expect(() => parseProduction(listener(16777216))).not.toThrow();
  });

  it('rejects an implementation version name longer than 16 characters', () => {
    expect(parseIssues('implementation: { versionName: DICOMROUTER_010_BETA }')).toEqual([
      'implementation.versionName: must be at most 16 characters (got "DICOMROUTER_010_BETA")',
    ]);
  });
});

describe('YAML and file errors', () => {
  it('reports YAML syntax errors and duplicate keys with their line', () => {
    const issues = parseIssues('listeners: []\nlisteners: []\n');
    expect(issues).toEqual([expect.stringMatching(/^YAML Map keys must be unique at line 2, column 1/)]);
    expect(parseIssues('listeners: [\n')[0]).toMatch(/^YAML .* at line \d+, column \d+/);
  });

  it('reports an empty document as not a mapping', () => {
    expect(parseIssues('')).toEqual(['(root): must be a mapping (got null)']);
  });

  it('reports a missing file', () => {
    expect(issuesOf(() => loadProduction('/nonexistent/production.yaml'))).toEqual([
      expect.stringMatching(/^cannot read the file: ENOENT/),
    ]);
  });
});

describe('the published schema', () => {
  it('documents every property it declares', () => {
    const undocumented: string[] = [];
    const visit = (schema: unknown, path: string): void => {
      if (schema === null || typeof schema !== 'object') return;
      const properties = (schema as { properties?: Record<string, { description?: string }> }).properties;
      for (const [name, child] of Object.entries(properties ?? {})) {
        if (typeof child.description !== 'string' || child.description.length === 0) undocumented.push(`${path}.${name}`);
      }
      for (const [key, child] of Object.entries(schema)) {
        if (key !== 'if') visit(child, `${path}.${key}`);
      }
    };
    visit(PRODUCTION_SCHEMA, '#');
    expect(undocumented).toEqual([]);
  });

  it('forbids unknown properties on every object', () => {
    const open: string[] = [];
    const visit = (schema: unknown, path: string): void => {
      if (schema === null || typeof schema !== 'object') return;
      const s = schema as Record<string, unknown>;
      if (s['type'] === 'object' && s['additionalProperties'] !== false) open.push(path);
      for (const [key, child] of Object.entries(s)) visit(child, `${path}.${key}`);
    };
    visit(PRODUCTION_SCHEMA, '#');
    expect(open).toEqual([]);
  });
});
