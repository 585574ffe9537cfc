import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import { parseDocument } from 'yaml';
import { ConfigError } from '../config-error';
import { deepFreeze } from '../freeze';
import { crossCheckProduction, type CrossCheckOptions } from './checks';
import { formatSchemaError } from './issues';
import productionSchema from './schema.json';
import type { ProductionConfig } from './types';

export type LoadProductionOptions = CrossCheckOptions;

/** The published JSON Schema of production.yaml (draft 2020-12). */
export const PRODUCTION_SCHEMA: object = productionSchema;

const validate = new Ajv2020({
  allErrors: true,
  // Defaults of the schema are the defaults of the product: one place, visible to editors too.
  useDefaults: true,
  // YAML already has types; coercing "abc" or "30" would hide a mistake instead of reporting it.
  coerceTypes: false,
  verbose: true,
  strict: true,
  // `then: { required: [...] }` names properties declared beside the `if`, not inside the `then`.
  strictRequired: false,
}).compile(productionSchema);

/** Reads, validates and freezes a production.yaml; every problem is reported in one ConfigError. */
export function loadProduction(path: string, options: LoadProductionOptions = {}): ProductionConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [`cannot read the file: ${(error as Error).message}`]);
  }
  return parseProduction(text, path, options);
}

/** Same as loadProduction, for YAML already in memory (a ConfigMap value, a test). */
export function parseProduction(
  text: string,
  source = 'production.yaml',
  options: LoadProductionOptions = {},
): ProductionConfig {
  // uniqueKeys: a key written twice is a mistake, not "last one wins".
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      source,
      document.errors.map((error) => `YAML ${error.message.split('\n')[0]}`),
    );
  }
  return validateProduction(document.toJS(), source, options);
}

/** Validates already-parsed data (applying defaults in place) and runs the cross-reference checks. */
export function validateProduction(
  data: unknown,
  source = 'production',
  options: LoadProductionOptions = {},
): ProductionConfig {
  const issues: string[] = [];
  if (!validate(data)) {
    for (const error of validate.errors ?? []) {
      const line = formatSchemaError(error);
      if (line !== undefined && !issues.includes(line)) issues.push(line);
    }
  }
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
    const config = trimAeTitles(data as ProductionConfig);
    issues.push(...crossCheckProduction(config, options));
  }
  if (issues.length > 0) throw new ConfigError(source, issues);
  return deepFreeze(data as ProductionConfig);
}

/**
 * PS3.5 Table 6.2-1: leading and trailing spaces of an AE title are not significant. Trimming once
 * here means every consumer compares titles as they are meant, and (calling, called) keys are unique.
 */
function trimAeTitles(config: ProductionConfig): ProductionConfig {
  type Mutable<T> = { -readonly [K in keyof T]: T[K] };
  const trim = <T extends object>(owner: T | undefined, key: keyof T): void => {
    const value = owner?.[key];
    if (typeof value === 'string') (owner as Mutable<T>)[key] = value.trim() as T[keyof T];
  };
  const each = <T>(list: readonly T[] | undefined, fn: (item: T) => void): void => {
    if (Array.isArray(list)) list.forEach((item) => item !== null && typeof item === 'object' && fn(item));
  };
  each(config.listeners, (listener) => {
    trim(listener, 'localAet');
    if (Array.isArray(listener.remoteAets)) {
      (listener as Mutable<typeof listener>).remoteAets = listener.remoteAets.map((entry) =>
        typeof entry === 'string' ? entry.trim() : entry,
      );
    }
  });
  each(config.destinations, (destination) => {
    trim(destination, 'callingAet');
    trim(destination, 'calledAet');
  });
  each(config.associations, (association) => {
    trim(association, 'callingAet');
    trim(association, 'calledAet');
  });
  return config;
}
