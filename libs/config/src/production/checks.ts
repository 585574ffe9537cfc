import { isIP } from 'node:net';
import { formatPath, type PathSegment } from './issues';
import type { ProductionConfig } from './types';

export interface CrossCheckOptions {
  /**
   * Validates one RemoteAET entry and throws an Error saying what is wrong. dicom-gateway passes the
   * RemoteAET parser of @dicom-router/dicom-network, so a malformed `?Pattern` is reported with every
   * other mistake instead of at the first association.
   */
  readonly checkRemoteAet?: (entry: string) => void;
  /**
   * Compiles one routing condition (CEL) and throws an Error saying what is wrong. dicom-gateway
   * passes the compiler of @dicom-router/routing-rules, so a bad rule stops the start, named, with
   * every other mistake.
   */
  readonly checkCondition?: (expression: string) => void;
}

/**
 * What JSON Schema cannot express: names that must exist or be unique, ports and AE title pairs that
 * must not collide. Runs even when the schema found problems, so that one run reports everything;
 * hence every read below tolerates a field of the wrong type (the schema already reported it).
 */
export function crossCheckProduction(config: ProductionConfig, options: CrossCheckOptions = {}): string[] {
  const issues: string[] = [];
  const report = (path: PathSegment[], message: string): void => {
    issues.push(`${formatPath(path)}: ${message}`);
  };

  const destinations = uniqueNames('destinations', items(config.destinations), report);
  const routes = uniqueNames('routes', items(config.routes), report);
  // Routes and filers are both targets, addressed by name alone: one namespace.
  const filers = uniqueNames('filers', items(config.filers), report, routes);
  uniqueNames('listeners', items(config.listeners), report);
  uniqueNames('fileIntakes', items(config.fileIntakes), report);

  items(config.routes).forEach((route, i) =>
    items(route.destinations).forEach((name, j) => {
      if (typeof name === 'string' && !destinations.has(name)) {
        report(['routes', i, 'destinations', j], `no destination is named ${JSON.stringify(name)}`);
      }
    }),
  );
  items(config.filers).forEach((filer, i) => {
    if (typeof filer.destination === 'string' && !destinations.has(filer.destination)) {
      report(['filers', i, 'destination'], `no destination is named ${JSON.stringify(filer.destination)}`);
    }
  });

  checkConditions(config, options, report);
  checkListeners(config, routes, filers, options, report);

  items(config.fileIntakes).forEach((intake, i) => {
    const target = intake.target;
    if (typeof target === 'string' && !routes.has(target) && !filers.has(target)) {
      report(['fileIntakes', i, 'target'], `no route or filer is named ${JSON.stringify(target)}`);
    }
  });

  checkAssociations(config, report);
  return issues;
}

type Report = (path: PathSegment[], message: string) => void;

/** The elements of a list, or none when the schema already rejected it as not a list. */
function items<T>(value: readonly T[] | undefined): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

/** Reports repeated names; returns name → path of its first definition. */
function uniqueNames(
  list: string,
  entries: readonly { readonly name?: unknown }[],
  report: Report,
  sharedWith = new Map<string, string>(),
): Map<string, string> {
  const seen = new Map<string, string>();
  entries.forEach((entry, i) => {
    if (typeof entry?.name !== 'string') return;
    const first = seen.get(entry.name) ?? sharedWith.get(entry.name);
    if (first) report([list, i, 'name'], `${JSON.stringify(entry.name)} is already the name of ${first}`);
    else seen.set(entry.name, formatPath([list, i]));
  });
  return seen;
}

function checkConditions(config: ProductionConfig, options: CrossCheckOptions, report: Report): void {
  const check = options.checkCondition;
  if (!check) return;
  for (const list of ['routes', 'filers'] as const) {
    items<{ readonly name?: unknown; readonly condition?: unknown }>(config[list]).forEach((rule, i) => {
      if (typeof rule?.condition !== 'string') return;
      try {
        check(rule.condition);
      } catch (error) {
        const kind = list === 'routes' ? 'route' : 'filer';
        const name = typeof rule.name === 'string' ? `${kind} ${JSON.stringify(rule.name)}: ` : '';
        report([list, i, 'condition'], `${name}${(error as Error).message}`);
      }
    });
  }
}

function checkListeners(
  config: ProductionConfig,
  routes: Map<string, string>,
  filers: Map<string, string>,
  options: CrossCheckOptions,
  report: Report,
): void {
  const ports = new Map<number, string>();
  const claimPort = (port: unknown, path: PathSegment[]): void => {
    if (typeof port !== 'number') return;
    const first = ports.get(port);
    if (first) report(path, `port ${port} is already used by ${first}`);
    else ports.set(port, formatPath(path));
  };

  items(config.listeners).forEach((listener, i) => {
    claimPort(listener.port, ['listeners', i, 'port']);
    if (listener.tls?.enabled) claimPort(listener.tls.port, ['listeners', i, 'tls', 'port']);

    if (typeof listener.bindAddress === 'string' && isIP(listener.bindAddress) === 0) {
      report(['listeners', i, 'bindAddress'], `must be an IPv4 or IPv6 address (got ${JSON.stringify(listener.bindAddress)})`);
    }

    // docs/architecture.md §3: a sync listener hands instances to storage-router (routes), an async one to
    // async-filer (filers); the mode decides which kind of target makes sense.
    // A list is a list of routes (sync) or of filers (async), each evaluated for every instance.
    const target: unknown = listener.target;
    const targets = typeof target === 'string' ? [target] : Array.isArray(target) ? target : [];
    targets.forEach((name: unknown, j) => {
      if (typeof name !== 'string') return;
      const path: PathSegment[] = typeof target === 'string' ? ['listeners', i, 'target'] : ['listeners', i, 'target', j];
      const wanted = listener.mode === 'sync' ? routes : filers;
      const other = listener.mode === 'sync' ? filers : routes;
      const kind = listener.mode === 'sync' ? 'route' : 'filer';
      if (other.has(name)) {
        report(path, `${other.get(name)} is not a ${kind}, and a ${listener.mode} listener targets a ${kind}`);
      } else if (!wanted.has(name)) {
        report(path, `no ${kind} is named ${JSON.stringify(name)}`);
      }
    });

    // docs/architecture.md §5: a sync Success promises delivery. keep-first answers a repeated instance from the
    // stored copy, which may never have reached its destinations (the first try failed).
    if (listener.mode === 'sync' && listener.target !== undefined && listener.duplicateInstancePolicy === 'keep-first') {
      report(['listeners', i, 'duplicateInstancePolicy'], "a sync listener with a target must 'overwrite' or 'reject' duplicates: 'keep-first' would answer Success without routing the instance again");
    }

    const remoteAets = items(listener.remoteAets);
    const anyone = remoteAets.findIndex((entry) => typeof entry === 'string' && entry.trim() === '*');
    remoteAets.forEach((entry, j) => {
      if (typeof entry !== 'string') return;
      if (anyone >= 0 && j > anyone) {
        report(['listeners', i, 'remoteAets', j], `is never reached: '*' at remoteAets[${anyone}] accepts every caller first`);
      }
      if (!options.checkRemoteAet) return;
      try {
        options.checkRemoteAet(entry);
      } catch (error) {
        report(['listeners', i, 'remoteAets', j], (error as Error).message);
      }
    });
  });
}

function checkAssociations(config: ProductionConfig, report: Report): void {
  const pairs = new Map<string, string>();
  items(config.associations).forEach((association, i) => {
    const { callingAet, calledAet } = association;
    if (typeof callingAet === 'string' && typeof calledAet === 'string') {
      // docs/architecture.md §4: the association key is (calling AET, called AET); two rows for one key would
      // make negotiation depend on upsert order.
      const key = JSON.stringify([callingAet.trim(), calledAet.trim()]);
      const first = pairs.get(key);
      if (first) report(['associations', i], `${callingAet.trim()} → ${calledAet.trim()} is already defined by ${first}`);
      else pairs.set(key, formatPath(['associations', i]));
    }

    const abstractSyntaxes = new Map<string, number>();
    items(association.presentationContexts).forEach((context, j) => {
      if (typeof context?.abstractSyntax !== 'string') return;
      const first = abstractSyntaxes.get(context.abstractSyntax);
      if (first !== undefined) {
        report(
          ['associations', i, 'presentationContexts', j, 'abstractSyntax'],
          `${context.abstractSyntax} is already listed at presentationContexts[${first}]`,
        );
      } else abstractSyntaxes.set(context.abstractSyntax, j);
    });
  });
}
