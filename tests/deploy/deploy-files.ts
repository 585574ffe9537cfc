/**
 * Reading the deployment files the way their tools do: Helm's values (values.yaml with `-f` files
 * merged over it), the `.Values` paths a chart's templates use, kustomize output, and the Kubernetes
 * model (kubernetes-models) that validates one rendered object.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { WORKSPACE_ROOT } from '../support/gateway';

export const CHART_DIR = path.join(WORKSPACE_ROOT, 'helm', 'dicom-router');
export const K8S_DIR = path.join(WORKSPACE_ROOT, 'k8s');
export const DOCKER_DIR = path.join(WORKSPACE_ROOT, 'docker');

export type Values = Record<string, unknown>;

export function readYaml(file: string): Values {
  return parseYaml(fs.readFileSync(file, 'utf8')) as Values;
}

/** Every `*.yaml` file in a folder, sorted. */
export function yamlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => path.join(dir, f));
}

const isMap = (value: unknown): value is Values => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Helm's coalescing of `-f` values over the chart's: maps merge key by key, anything else replaces, null deletes. */
export function mergeValues(base: Values, override: Values): Values {
  const merged: Values = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete merged[key];
    else if (isMap(value) && isMap(merged[key])) merged[key] = mergeValues(merged[key] as Values, value);
    else merged[key] = value;
  }
  return merged;
}

/** Every path of a values tree down to its leaves, maps and lists included ("a", "a.b", ...). */
export function valuePaths(values: unknown, prefix = ''): string[] {
  if (!isMap(values)) return [];
  return Object.entries(values).flatMap(([key, child]) => {
    const here = prefix ? `${prefix}.${key}` : key;
    return [here, ...valuePaths(child, here)];
  });
}

/** The value at a dotted path, or undefined. */
export function valueAt(values: unknown, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((node, key) => (isMap(node) ? node[key] : undefined), values);
}

export interface TemplateValueUse {
  file: string;
  line: number;
  /** Dotted path below .Values, with `*` for "each entry of services". */
  path: string;
}

/**
 * The `.Values` paths a chart's templates read. Besides `.Values.a.b` and `$.Values.a.b`, variables are
 * followed: `$x := .Values.a` (or `$root.Values.a`) makes `$x.b` read `a.b`; a variable bound to a
 * service entry (`$svc := $entry.svc`, `range $key, $svc := $v.services`, `.svc` in a helper called with
 * (dict "root" $ "svc" ...)) reads `services.*.<rest>`, checked against every entry.
 */
export function templateValueUses(templatesDir: string): TemplateValueUse[] {
  const uses: TemplateValueUse[] = [];
  const files = walk(templatesDir).filter((f) => /\.(yaml|tpl|txt)$/.test(f));
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const aliases = new Map<string, string>([['$svc', 'services.*']]);
    // `$name := <root>.Values.a.b` and `$name := <root>.Values`
    for (const m of text.matchAll(/(\$[A-Za-z_]\w*)\s*:?=\s*(?:\$|\.|\$root\.|\.root\.|\$\.)?Values((?:\.[A-Za-z_]\w*)*)/g)) {
      aliases.set(m[1], m[2].slice(1));
    }
    for (const m of text.matchAll(/(\$[A-Za-z_]\w*)\s*:?=\s*(?:\$entry\.svc|\.svc)\b/g)) aliases.set(m[1], 'services.*');
    for (const m of text.matchAll(/range\s+\$\w+\s*,\s*(\$[A-Za-z_]\w*)\s*:=\s*(\$\w+)\.services\b/g)) aliases.set(m[1], 'services.*');
    const lines = text.split('\n');
    lines.forEach((lineText, index) => {
      const record = (dotted: string) => uses.push({ file: path.relative(templatesDir, file), line: index + 1, path: dotted });
      for (const m of lineText.matchAll(/(?:^|[^\w$.])(?:\$|\$root|\.root)?\.Values((?:\.[A-Za-z_]\w*)+)/g)) record(m[1].slice(1));
      for (const m of lineText.matchAll(/(?<![\w.])\.svc((?:\.[A-Za-z_]\w*)+)/g)) record(`services.*${m[1]}`);
      for (const m of lineText.matchAll(/\$entry\.svc((?:\.[A-Za-z_]\w*)+)/g)) record(`services.*${m[1]}`);
      for (const m of lineText.matchAll(/(\$[A-Za-z_]\w*)((?:\.[A-Za-z_]\w*)+)/g)) {
        const base = aliases.get(m[1]);
        if (base === undefined || m[1] === '$entry') continue;
        record(base ? `${base}${m[2]}` : m[2].slice(1));
      }
    });
  }
  return uses;
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });
}

/** Whether `dotted` (possibly with `services.*`) exists in values: for `*`, in every entry of services. */
export function pathExists(values: Values, dotted: string): boolean {
  const [head, ...rest] = dotted.split('.*.');
  if (rest.length === 0) return valueAt(values, head) !== undefined || hasKeyAt(values, head);
  const entries = valueAt(values, head);
  if (!isMap(entries) || Object.keys(entries).length === 0) return false;
  return Object.values(entries).every((entry) => pathExists(entry as Values, rest.join('.*.')));
}

function hasKeyAt(values: Values, dotted: string): boolean {
  const keys = dotted.split('.');
  const parent = keys.length === 1 ? values : valueAt(values, keys.slice(0, -1).join('.'));
  return isMap(parent) && Object.prototype.hasOwnProperty.call(parent, keys[keys.length - 1]);
}

/** A rendered manifest stream split into objects (empty documents dropped). */
export function parseManifests(text: string): Values[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`invalid YAML in rendered manifests: ${doc.errors[0].message}`);
      return doc.toJS() as Values | null;
    })
    .filter((object): object is Values => object !== null);
}

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: Values) => Validatable;

/**
 * The kubernetes-models class of an object's apiVersion and kind (core `v1` objects live at the
 * package's top level, `group/version` below it; Prometheus-operator kinds in their own package).
 * Throws for a kind no model exists for, so an unknown kind cannot pass unchecked.
 */
export function kubernetesModel(apiVersion: string, kind: string): ModelClass {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const modulePath =
    group === 'monitoring.coreos.com'
      ? `@kubernetes-models/prometheus-operator/${group}/${version}/${kind}`
      : group === ''
        ? `kubernetes-models/${version}/${kind}`
        : `kubernetes-models/${group}/${version}/${kind}`;
  const loaded = require(modulePath) as Record<string, ModelClass>;
  const model = loaded[kind];
  if (!model) throw new Error(`no Kubernetes model for ${apiVersion} ${kind}`);
  return model;
}

/** Validates one object against its Kubernetes API schema; resolves to the error text or undefined. */
export function kubernetesSchemaErrors(object: Values): string | undefined {
  const Model = kubernetesModel(String(object.apiVersion), String(object.kind));
  try {
    new Model(withoutBase64LineBreaks(object)).validate();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * kustomize wraps long base64 Secret values over lines; the API server decodes them with Go's
 * encoding/base64, which skips line breaks, while the model's `byte` format does not. Compare alike.
 */
function withoutBase64LineBreaks(object: Values): Values {
  if (object.kind !== 'Secret' || !isMap(object.data)) return object;
  const data = Object.fromEntries(Object.entries(object.data).map(([k, v]) => [k, typeof v === 'string' ? v.replace(/[\r\n]/g, '') : v]));
  return { ...object, data };
}
