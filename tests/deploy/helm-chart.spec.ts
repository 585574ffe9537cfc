/**
 * The dicom-router chart, checked without helm (no helm binary is packaged for Debian or npm):
 * values.yaml and every helm/dicom-router/ci/*.yaml (merged over it, as `helm install -f` does)
 * validate against values.schema.json; the schema refuses the contradictions it can express; every
 * `.Values` path a template reads exists in values.yaml; every value is documented with `## @param`;
 * the productions the chart ships pass the router's own production.yaml validation.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import { parseProduction } from '@dicom-router/config';
import { stringify } from 'yaml';
import {
  CHART_DIR,
  mergeValues,
  pathExists,
  readYaml,
  templateValueUses,
  valueAt,
  valuePaths,
  yamlFiles,
  type Values,
} from './deploy-files';

const schema = JSON.parse(fs.readFileSync(path.join(CHART_DIR, 'values.schema.json'), 'utf8')) as object;
// Helm validates with JSON Schema draft-07; ajv's default class is draft-07.
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const defaults = readYaml(path.join(CHART_DIR, 'values.yaml'));
const ciFiles = yamlFiles(path.join(CHART_DIR, 'ci'));

function schemaErrors(values: Values): ErrorObject[] {
  return validate(values) ? [] : (validate.errors ?? []);
}
const withValues = (override: Values): Values => mergeValues(defaults, override);

describe('values.schema.json', () => {
  it('accepts values.yaml', () => {
    expect(schemaErrors(defaults)).toEqual([]);
  });

  it('has at least three ci value files, covering external services, existing Secrets and file storage', () => {
    expect(ciFiles.map((f) => path.basename(f))).toEqual(
      expect.arrayContaining(['external-services-values.yaml', 'existing-secrets-values.yaml', 'filesystem-sync-values.yaml']),
    );
  });

  it.each(ciFiles.map((f) => [path.basename(f), f]))('accepts ci/%s merged over values.yaml', (_name, file) => {
    expect(schemaErrors(withValues(readYaml(file)))).toEqual([]);
  });

  // Each case: the values, and the instancePath of the error that must be among those reported.
  const contradictions: Array<[string, Values, string]> = [
    [
      'an async listener without a database',
      { postgresql: { enabled: false }, nats: { enabled: false }, externalNats: { url: 'nats://nats:4222' } },
      '',
    ],
    ['TLS without a certificate Secret', { dicom: { tls: { enabled: true } } }, '/dicom/tls/existingSecret'],
    ['client verification without TLS', { dicom: { tls: { verifyClients: true } } }, '/dicom/tls/enabled'],
    ['bundled and external PostgreSQL', { externalDatabase: { url: 'postgres://u:p@pg:5432/db' } }, '/externalDatabase/url'],
    ['bundled and external NATS', { externalNats: { url: 'nats://nats:4222' } }, '/externalNats/url'],
    ['no NATS at all', { nats: { enabled: false } }, '/externalNats'],
    ['MinIO with a file:// location', { storage: { location: 'file:///srv/dicom/x', filesystem: { existingClaim: 'pvc' } } }, '/storage/location'],
    ['a file:// location without a volume', { minio: { enabled: false }, storage: { location: 'file:///srv/dicom/x' } }, '/storage/filesystem/existingClaim'],
    ['the gateway disabled', { services: { dicomGateway: { enabled: false } } }, '/services/dicomGateway/enabled'],
    ['a DICOM port out of range', { dicom: { port: 70000 } }, '/dicom/port'],
    ['a short API token', { apiToken: { value: 'short' } }, '/apiToken/value'],
    ['an AE title of 17 characters', { dicom: { aeTitle: 'SEVENTEEN-CHARS-X' } }, '/dicom/aeTitle'],
    ['a misspelt top-level key', { dicomm: { port: 104 } }, ''],
    ['a misspelt service key', { services: { dicomGateway: { replicas: 3 } } }, '/services/dicomGateway'],
    ['an unknown listener mode', { production: { config: { listeners: [{ name: 'a', port: 104, remoteAets: ['*'], mode: 'fast' }] } } }, '/production/config/listeners/0/mode'],
    ['an S3 key id without its secret', { minio: { enabled: false }, externalS3: { accessKeyId: 'AKIA' } }, '/externalS3/secretAccessKey'],
    ['async-filer without the database', { services: { asyncFiler: { usesDatabase: false } } }, '/services/asyncFiler/usesDatabase'],
    ['worklist-process without the database', { services: { worklistProcess: { usesDatabase: false } } }, '/services/worklistProcess/usesDatabase'],
    ['an SMTP URL without sender and recipients', { alerts: { smtpUrl: 'smtp://smtp.example.org:25' } }, '/alerts/emailFrom'],
    ['an alert webhook that is not http(s)', { alerts: { webhookUrl: 'ftp://hooks.example.org/x' } }, '/alerts/webhookUrl'],
    ['an alert recipient that is not an address', { alerts: { emailTo: ['pacs admins'] } }, '/alerts/emailTo/0'],
    ['a service entry left out', { services: { storageRouter: null } }, '/services'],
    ['a PDB budget that is neither a count nor a percentage', { services: { dicomGateway: { pdb: { maxUnavailable: 'one' } } } }, '/services/dicomGateway/pdb/maxUnavailable'],
    ['an unknown externalTrafficPolicy', { dicom: { service: { externalTrafficPolicy: 'Nearest' } } }, '/dicom/service/externalTrafficPolicy'],
  ];

  it.each(contradictions)('rejects %s', (_name, override, errorPath) => {
    const errors = schemaErrors(withValues(override));
    expect(errors.map((e) => e.instancePath)).toContain(errorPath);
  });

  it('rejects a listener without a database whether its mode is async by default or sync', () => {
    for (const listener of [{}, { mode: 'sync' }]) {
      const values = withValues({
        postgresql: { enabled: false },
        production: { config: { listeners: [{ name: 'dicom', port: 11112, remoteAets: ['*'], ...listener }] } },
      });
      expect(schemaErrors(values).map((e) => e.instancePath)).toContain('/externalDatabase');
    }
    expect(schemaErrors(withValues({ postgresql: { enabled: false }, externalDatabase: { existingSecret: 'db' } }))).toEqual([]);
  });

  it('describes every property it declares', () => {
    const undocumented: string[] = [];
    const visit = (node: unknown, at: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const properties = (node as { properties?: Record<string, Record<string, unknown>> }).properties ?? {};
      for (const [key, child] of Object.entries(properties)) {
        if (child.type !== undefined && typeof child.description !== 'string') undocumented.push(`${at}.${key}`);
      }
      for (const [key, child] of Object.entries(node)) if (key !== 'allOf') visit(child, `${at}.${key}`);
    };
    visit(schema, '#');
    expect(undocumented).toEqual([]);
  });
});

describe('values.yaml', () => {
  const text = fs.readFileSync(path.join(CHART_DIR, 'values.yaml'), 'utf8');
  const documented = [...text.matchAll(/^\s*## @param (\S+)/gm)].map((m) => m[1]);

  it('documents every value with `## @param`, on the value or on the map holding it', () => {
    const isLeaf = (p: string) => {
      const value = valueAt(defaults, p);
      return typeof value !== 'object' || value === null || Array.isArray(value) || Object.keys(value).length === 0;
    };
    const missing = valuePaths(defaults)
      .filter(isLeaf)
      .filter((p) => !documented.some((d) => p === d || p.startsWith(`${d}.`)));
    expect(missing).toEqual([]);
  });

  it('documents only values that exist', () => {
    expect(documented.filter((d) => valueAt(defaults, d) === undefined)).toEqual([]);
  });

  it('enables every service, each with the database, TLS-file and DICOM roles its settings need', () => {
    const services = defaults.services as Record<string, { enabled: boolean; name: string; dicom: boolean; usesDatabase: boolean; dicomClient: boolean }>;
    expect(Object.fromEntries(Object.values(services).map((s) => [s.name, [s.enabled, s.dicom, s.usesDatabase, s.dicomClient]]))).toEqual({
      'dicom-gateway': [true, true, true, true],
      'association-registry': [true, false, true, false],
      'worklist-process': [true, false, true, false],
      'storage-router': [true, false, false, true],
      'async-filer': [true, false, true, true],
    });
  });

  it.each([['values.yaml', path.join(CHART_DIR, 'values.yaml')], ...ciFiles.map((f) => [`ci/${path.basename(f)}`, f])])(
    'production.config of %s passes the router’s production.yaml validation',
    (_name, file) => {
      const production = (withValues(readYaml(file)).production as { config: Values }).config;
      expect(() => parseProduction(stringify(production))).not.toThrow();
    },
  );
});

describe('templates', () => {
  const templatesDir = path.join(CHART_DIR, 'templates');
  const uses = templateValueUses(templatesDir);

  it('read values (the extraction itself finds the paths it should)', () => {
    const paths = new Set(uses.map((u) => u.path));
    for (const expected of ['dicom.port', 'dicom.service.externalTrafficPolicy', 'services.*.autoscaling.maxReplicas', 'externalDatabase.url', 'tests.echo.calledAet', 'alerts.smtpUrl', 'services.asyncFiler.name']) {
      expect(paths).toContain(expected);
    }
  });

  it('read only .Values paths that exist in values.yaml', () => {
    const missing = uses.filter((u) => !pathExists(defaults, u.path)).map((u) => `${u.file}:${u.line} .Values.${u.path}`);
    expect(missing).toEqual([]);
  });

  it('include only templates that are defined, each with a one-line comment and the chart prefix', () => {
    const texts = fs
      .readdirSync(templatesDir, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(yaml|tpl|txt)$/.test(f))
      .map((f) => fs.readFileSync(path.join(templatesDir, f), 'utf8'));
    const all = texts.join('\n');
    const defined = [...all.matchAll(/\{\{-? define "([^"]+)"/g)].map((m) => m[1]);
    const included = new Set([...all.matchAll(/include "([^"]+)"/g)].map((m) => m[1]));
    expect([...included].filter((name) => !defined.includes(name))).toEqual([]);
    expect(defined.filter((name) => !name.startsWith('dicom-router.'))).toEqual([]);
    const uncommented = [...all.matchAll(/(.*)\n\{\{-? define "([^"]+)"/g)].filter((m) => !m[1].includes('/*')).map((m) => m[2]);
    expect(uncommented).toEqual([]);
  });

  it('are one kind per file, named after it, and each starts with a comment saying what it renders', () => {
    const manifests = fs.readdirSync(templatesDir).filter((f) => f.endsWith('.yaml'));
    const offenders = manifests.filter((f) => {
      const text = fs.readFileSync(path.join(templatesDir, f), 'utf8');
      const kinds = new Set([...text.matchAll(/^kind: (\w+)/gm)].map((m) => m[1].toLowerCase()));
      return kinds.size !== 1 || !f.replace(/-/g, '').startsWith([...kinds][0]) || !/^\{\{-? \/\*/.test(text);
    });
    expect(offenders).toEqual([]);
  });
});
