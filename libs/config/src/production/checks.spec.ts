import { ConfigError } from '../config-error';
import type { CrossCheckOptions } from './checks';
import { parseProduction } from './load';

function issuesOf(yaml: string, options?: CrossCheckOptions): readonly string[] {
  try {
    parseProduction(yaml, 'test.yaml', options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  return [];
}

const destinations = `
destinations:
  - { name: pacs, host: pacs.example.org, port: 104, calledAet: PACS }
  - { name: archive, host: 10.0.0.7, port: 11112, calledAet: ARCHIVE, tls: true }`;

describe('listeners', () => {
  it('must have unique names and ports, TLS ports included', () => {
    expect(
      issuesOf(`
listeners:
  - { name: main, port: 104, remoteAets: ['*'], tls: { enabled: true, port: 2762 } }
  - { name: main, port: 11112, remoteAets: ['*'] }
  - { name: other, port: 104, remoteAets: ['*'] }
  - { name: tls, port: 2762, remoteAets: ['*'] }
  - { name: disabled, port: 4000, remoteAets: ['*'], tls: { enabled: false, port: 104 } }
`),
    ).toEqual([
      'listeners[1].name: "main" is already the name of listeners[0]',
      'listeners[2].port: port 104 is already used by listeners[0].port',
      'listeners[3].port: port 2762 is already used by listeners[0].tls.port',
    ]);
  });

  it('bind to an IPv4 or IPv6 literal', () => {
    const listener = (address: string) => `listeners:\n  - { name: a, port: 104, remoteAets: ['*'], bindAddress: '${address}' }`;
    for (const good of ['::', '0.0.0.0', '127.0.0.1', '::1', 'fe80::1']) expect(issuesOf(listener(good))).toEqual([]);
    expect(issuesOf(listener('localhost'))).toEqual([
      'listeners[0].bindAddress: must be an IPv4 or IPv6 address (got "localhost")',
    ]);
    expect(issuesOf(listener('256.1.1.1'))).toHaveLength(1);
  });

  it('target a route when sync and a filer when async', () => {
    const yaml = (mode: string, target: string) => `${destinations}
routes:
  - { name: to-pacs, destinations: [pacs] }
filers:
  - { name: to-archive, destination: archive }
listeners:
  - { name: a, port: 104, remoteAets: ['*'], mode: ${mode}, target: ${target} }`;
    expect(issuesOf(yaml('sync', 'to-pacs'))).toEqual([]);
    expect(issuesOf(yaml('async', 'to-archive'))).toEqual([]);
    expect(issuesOf(yaml('sync', 'to-archive'))).toEqual([
      'listeners[0].target: filers[0] is not a route, and a sync listener targets a route',
    ]);
    expect(issuesOf(yaml('async', 'to-pacs'))).toEqual([
      'listeners[0].target: routes[0] is not a filer, and a async listener targets a filer',
    ]);
    expect(issuesOf(yaml('async', 'nowhere'))).toEqual(['listeners[0].target: no filer is named "nowhere"']);
  });

  it('route every instance again when sync: keep-first is refused', () => {
    const yaml = (policy: string) => `${destinations}
routes:
  - { name: to-pacs, destinations: [pacs] }
listeners:
  - { name: a, port: 104, remoteAets: ['*'], mode: sync, target: to-pacs, duplicateInstancePolicy: ${policy} }`;
    expect(issuesOf(yaml('overwrite'))).toEqual([]);
    expect(issuesOf(yaml('keep-first'))).toEqual([
      "listeners[0].duplicateInstancePolicy: a sync listener with a target must 'overwrite' or 'reject' duplicates: 'keep-first' would answer Success without routing the instance again",
    ]);
  });

  it('target a list of routes only when sync, each named', () => {
    const yaml = (mode: string, target: string) => `${destinations}
routes:
  - { name: ct, condition: 'modality == "CT"', destinations: [pacs] }
  - { name: mr, condition: 'modality == "MR"', destinations: [archive] }
filers:
  - { name: to-archive, destination: archive }
listeners:
  - { name: a, port: 104, remoteAets: ['*'], mode: ${mode}, target: ${target} }`;
    expect(issuesOf(yaml('sync', '[ct, mr]'))).toEqual([]);
    expect(issuesOf(yaml('sync', '[ct, to-archive, gone]'))).toEqual([
      'listeners[0].target[1]: filers[0] is not a route, and a sync listener targets a route',
      'listeners[0].target[2]: no route is named "gone"',
    ]);
    expect(issuesOf(yaml('async', '[to-archive]'))).toEqual([]);
    expect(issuesOf(yaml('async', '[to-archive, ct]'))).toEqual([
      'listeners[0].target[1]: routes[0] is not a filer, and a async listener targets a filer',
    ]);
  });

  it("flag remoteAets entries that a preceding '*' makes unreachable", () => {
    expect(issuesOf(`listeners:\n  - { name: a, port: 104, remoteAets: [CT01, '*', MR01] }`)).toEqual([
      "listeners[0].remoteAets[2]: is never reached: '*' at remoteAets[1] accepts every caller first",
    ]);
  });

  it('report RemoteAET entries the gateway parser rejects, with their path', () => {
    const checkRemoteAet = (entry: string): void => {
      if (entry.startsWith('?1X')) throw new Error('pattern code "X" is not supported');
    };
    expect(
      issuesOf(`listeners:\n  - { name: a, port: 104, remoteAets: [CT01, '?1X.E'] }`, { checkRemoteAet }),
    ).toEqual(['listeners[0].remoteAets[1]: pattern code "X" is not supported']);
  });
});

describe('routes, filers and file intakes', () => {
  it('report every condition the rule compiler rejects, naming the route or filer, with the rest', () => {
    const checkCondition = (expression: string): void => {
      if (expression.includes('modalty')) throw new Error('unknown variable modalty');
    };
    expect(
      issuesOf(
        `${destinations}
routes:
  - { name: ct, condition: 'modalty == "CT"', destinations: [pacs] }
  - { name: all, destinations: [pacs] }
filers:
  - { name: mr, condition: 'modalty == "MR"', destination: archiv }`,
        { checkCondition },
      ),
    ).toEqual([
      'filers[0].destination: no destination is named "archiv"',
      'routes[0].condition: route "ct": unknown variable modalty',
      'filers[0].condition: filer "mr": unknown variable modalty',
    ]);
  });

  it('reference destinations that exist', () => {
    expect(
      issuesOf(`${destinations}
routes:
  - { name: r, destinations: [pacs, pcas] }
filers:
  - { name: f, destination: archiv }`),
    ).toEqual(['routes[0].destinations[1]: no destination is named "pcas"', 'filers[0].destination: no destination is named "archiv"']);
  });

  it('share one namespace, since targets name either', () => {
    expect(
      issuesOf(`${destinations}
routes:
  - { name: forward, destinations: [pacs] }
filers:
  - { name: forward, destination: archive }`),
    ).toEqual(['filers[0].name: "forward" is already the name of routes[0]']);
  });

  it('file intakes target an existing route or filer', () => {
    expect(
      issuesOf(`${destinations}
filers:
  - { name: f, destination: archive }
fileIntakes:
  - { name: ok, path: /in, afterStore: delete, target: f }
  - { name: bad, path: /in2, afterStore: delete, target: g }
  - { name: ok, path: /in3, afterStore: delete }`),
    ).toEqual(['fileIntakes[2].name: "ok" is already the name of fileIntakes[0]', 'fileIntakes[1].target: no route or filer is named "g"']);
  });

  it('destination names are unique', () => {
    expect(issuesOf(`${destinations}\n  - { name: pacs, host: other, port: 104, calledAet: X }`)).toEqual([
      'destinations[2].name: "pacs" is already the name of destinations[0]',
    ]);
  });
});

describe('associations', () => {
  const association = (calling: string, called: string, abstractSyntaxes = ['1.2.840.10008.1.1']) => `
  - name: ${calling} to ${called}
    callingAet: '${calling}'
    calledAet: '${called}'
    presentationContexts:${abstractSyntaxes.map((uid) => `\n      - { abstractSyntax: ${uid}, transferSyntaxes: [1.2.840.10008.1.2] }`).join('')}`;

  it('have unique (calling, called) pairs, compared without padding', () => {
    expect(
      issuesOf(`associations:${association('CT01', 'ROUTER')}${association('CT01', 'PACS')}${association('CT01  ', ' ROUTER')}`),
    ).toEqual(['associations[2]: CT01 → ROUTER is already defined by associations[0]']);
  });

  it('list each abstract syntax once', () => {
    expect(
      issuesOf(`associations:${association('CT01', 'ROUTER', ['1.2.840.10008.1.1', '1.2.3', '1.2.840.10008.1.1'])}`),
    ).toEqual(['associations[0].presentationContexts[2].abstractSyntax: 1.2.840.10008.1.1 is already listed at presentationContexts[0]']);
  });

  it('are case-sensitive, like AE titles', () => {
    expect(issuesOf(`associations:${association('ct01', 'ROUTER')}${association('CT01', 'ROUTER')}`)).toEqual([]);
  });
});

describe('schema and cross-reference problems together', () => {
  it('are reported in one ConfigError', () => {
    expect(
      issuesOf(`${destinations}
routes:
  - { name: r, destinations: [nowhere], condition: '' }
listeners:
  - { name: a, port: 0, remoteAets: ['*'], bindAddress: somewhere }`),
    ).toEqual([
      'listeners[0].port: must be at least 1 (got 0)',
      'routes[0].condition: must not be empty',
      'routes[0].destinations[0]: no destination is named "nowhere"',
      'listeners[0].bindAddress: must be an IPv4 or IPv6 address (got "somewhere")',
    ]);
  });
});
