/**
 * The chart rendered for real by Helm's template engine (see chart-render.ts): with values.yaml and
 * with each helm/dicom-router/ci/*.yaml, every object validates against its Kubernetes API schema and
 * keeps the chart's promises; contradictory values fail the render with validateValues' message;
 * NOTES.txt prints the DICOM endpoint and AE title; a service is switched off by `enabled`; the
 * rendered production.yaml passes the router's own validation, and each service's rendered environment
 * passes that service's own settings loader (services/<name>/dist, so build first).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadEnvironment, parseProduction } from '@dicom-router/config';
import { WORKSPACE_ROOT } from '../support/gateway';
import { renderChart, type ClusterObjects } from './chart-render';
import { CHART_DIR, kubernetesSchemaErrors, mergeValues, parseManifests, readYaml, yamlFiles, type Values } from './deploy-files';

type K8sObject = Values & { kind: string; metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> }; spec: Values };
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: EnvVar[];
  ports?: Array<{ name: string; containerPort: number }>;
  securityContext?: Values;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
}
interface PodSpec {
  securityContext: Values;
  terminationGracePeriodSeconds?: number;
  containers: Container[];
}

const CI_FILES = yamlFiles(path.join(CHART_DIR, 'ci'));
const CASES: Array<[string, string[]]> = [['values.yaml', []], ...CI_FILES.map((f): [string, string[]] => [`ci/${path.basename(f)}`, [f]])];
const defaults = readYaml(path.join(CHART_DIR, 'values.yaml'));

async function render(files: Array<string | object>, cluster: ClusterObjects = {}): Promise<{ objects: K8sObject[]; notes: string }> {
  const result = await renderChart(files, 'router', 'pacs', cluster);
  if (result.code !== 0) throw new Error(`render failed: ${result.stderr}`);
  return { objects: parseManifests(result.manifests) as K8sObject[], notes: result.notes };
}
const ofKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);

/** Each service's own settings loader, from its build: what the service itself would refuse at start. */
type SettingsLoader = (env: NodeJS.ProcessEnv) => unknown;
const SETTINGS_LOADERS: Record<string, [string, string]> = {
  'dicom-gateway': ['gateway-settings.js', 'loadGatewaySettings'],
  'association-registry': ['registry-settings.js', 'loadRegistrySettings'],
  'worklist-process': ['worklist-settings.js', 'loadWorklistSettings'],
  'storage-router': ['router-settings.js', 'loadRouterSettings'],
  'async-filer': ['filer-settings.js', 'loadFilerSettings'],
};
function settingsLoader(service: string): SettingsLoader {
  const [file, name] = SETTINGS_LOADERS[service];
  const built = path.join(WORKSPACE_ROOT, 'services', service, 'dist', file);
  if (!fs.existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first`);
  const loader = (require(built) as Record<string, SettingsLoader>)[name];
  if (typeof loader !== 'function') throw new Error(`${built} exports no ${name}`);
  return loader;
}

/** Stand-ins of the documented form for values a Secret holds, by variable. */
const SECRET_STAND_INS: Record<string, string> = {
  DATABASE_URL: 'postgres://u:p@pg:5432/db',
  DATABASE_PASSWORD: 'p',
  NATS_URL: 'nats://nats:4222',
  SMTP_URL: 'smtp://router:secret@smtp.example.org:587',
  ALERT_WEBHOOK_URL: 'https://alerts.example.org/hook',
};

/**
 * A container's environment as the kubelet would give it: Secrets stand in with a value of their
 * documented form ($(VAR) references expanded), production.yaml is the rendered one (written to a
 * file), and the TLS files, which the pod mounts from a Secret, are left out.
 */
function containerEnvironment(container: Container, productionFile: string | undefined): NodeJS.ProcessEnv {
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    const secret = e.valueFrom?.secretKeyRef;
    env[e.name] = secret ? (SECRET_STAND_INS[e.name] ?? 'a-secret-value-0123456789') : (e.value ?? '');
  }
  for (const [name, value] of Object.entries(env)) env[name] = value.replace(/\$\((\w+)\)/g, (_m, v: string) => env[v] ?? '');
  const kept = Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('TLS_') && k !== 'DICOM_TLS_PORT' && k !== 'PRODUCTION_CONFIG'));
  return { ...kept, ...(productionFile ? { PRODUCTION_CONFIG: productionFile } : {}), DATA_DIR: os.tmpdir() };
}
const podSpec = (o: K8sObject): PodSpec => (o.kind === 'Pod' ? o.spec : (o.spec as { template: { spec: PodSpec } }).template.spec) as PodSpec;

describe.each(CASES)('the chart rendered with %s', (_name, files) => {
  let objects: K8sObject[];
  let notes: string;
  const values = files.reduce((v, f) => mergeValues(v, readYaml(f)), defaults);
  const services = Object.values(values.services as Record<string, { enabled: boolean; name: string; usesDatabase: boolean; autoscaling: { enabled: boolean } }>);
  const enabled = services.filter((s) => s.enabled);

  beforeAll(async () => {
    ({ objects, notes } = await render(files));
  }, 240_000);

  it('renders only objects that validate against the Kubernetes API schema', () => {
    expect(objects.length).toBeGreaterThan(5);
    const invalid = objects.map((o) => [`${o.kind}/${o.metadata.name}`, kubernetesSchemaErrors(o)]).filter(([, e]) => e !== undefined);
    expect(invalid).toEqual([]);
  });

  it('renders one Deployment, Service and (where asked) budget or autoscaler per enabled service', () => {
    const names = (kind: string) => ofKind(objects, kind).map((o) => o.metadata.name).sort();
    const expected = enabled.map((s) => `router-dicom-router-${s.name}`).sort();
    expect(names('Deployment')).toEqual(expected);
    expect(names('Service').filter((n) => n !== 'router-dicom-router-dicom')).toEqual(expected);
    expect(names('PodDisruptionBudget')).toEqual(enabled.filter((s) => (s as unknown as { pdb: { create: boolean } }).pdb.create).map((s) => `router-dicom-router-${s.name}`).sort());
    expect(names('HorizontalPodAutoscaler')).toEqual(enabled.filter((s) => s.autoscaling.enabled).map((s) => `router-dicom-router-${s.name}`).sort());
    for (const deployment of ofKind(objects, 'Deployment')) {
      const autoscaled = names('HorizontalPodAutoscaler').includes(deployment.metadata.name);
      expect(deployment.spec.replicas === undefined).toBe(autoscaled);
    }
  });

  it('runs every pod non-root, read-only, without privilege escalation, with probes on the health endpoints', () => {
    const pods = [...ofKind(objects, 'Deployment'), ...ofKind(objects, 'Job'), ...ofKind(objects, 'Pod')];
    for (const pod of pods.map(podSpec)) {
      expect(pod.securityContext).toEqual(expect.objectContaining({ runAsNonRoot: true, runAsUser: 10001 }));
      for (const c of pod.containers) {
        expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      }
    }
    for (const deployment of ofKind(objects, 'Deployment')) {
      const c = podSpec(deployment).containers[0] as Container & { livenessProbe: { httpGet: { path: string } }; readinessProbe: { httpGet: { path: string } } };
      expect([c.livenessProbe.httpGet.path, c.readinessProbe.httpGet.path]).toEqual(['/health/live', '/health/ready']);
      expect((deployment.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations).toEqual(
        expect.objectContaining({ 'checksum/production': expect.stringMatching(/^[0-9a-f]{64}$/), 'checksum/credentials': expect.stringMatching(/^[0-9a-f]{64}$/) }),
      );
    }
  });

  it('exposes the DICOM ports on the DICOM Service with the configured traffic policy, and drains on shutdown', () => {
    const dicom = ofKind(objects, 'Service').find((s) => s.metadata.name === 'router-dicom-router-dicom') as K8sObject;
    const dicomValues = values.dicom as { port: number; tls: { enabled: boolean; port: number }; service: { type: string; externalTrafficPolicy: string }; shutdownGraceSeconds: number; preStopSeconds: number };
    const ports = (dicom.spec.ports as Array<{ name: string; port: number }>).map((p) => [p.name, p.port]);
    expect(ports).toEqual([['dicom', dicomValues.port], ...(dicomValues.tls.enabled ? [['dicom-tls', dicomValues.tls.port]] : [])]);
    expect(dicom.spec.type).toBe(dicomValues.service.type);
    if (dicomValues.service.type !== 'ClusterIP') expect(dicom.spec.externalTrafficPolicy).toBe(dicomValues.service.externalTrafficPolicy);
    const gateway = podSpec(ofKind(objects, 'Deployment').find((d) => d.metadata.name.endsWith('dicom-gateway')) as K8sObject);
    expect(gateway.terminationGracePeriodSeconds).toBe(dicomValues.preStopSeconds + dicomValues.shutdownGraceSeconds + 5);
    expect(gateway.containers[0].lifecycle?.preStop?.exec?.command).toEqual(['sleep', String(dicomValues.preStopSeconds)]);
    const env = Object.fromEntries((gateway.containers[0].env ?? []).map((e) => [e.name, e.value]));
    expect(env.SHUTDOWN_GRACE_MS).toBe(String(dicomValues.shutdownGraceSeconds * 1000));
    expect(env.DICOM_PORT).toBe(String(dicomValues.port));
  });

  it('points every secretKeyRef at a Secret it renders, a dependency chart’s, or one named in the values', () => {
    const rendered = new Map(ofKind(objects, 'Secret').map((s) => [s.metadata.name, Object.keys(s.data as Values)]));
    const named = new Set(
      [values.externalDatabase, values.externalNats, values.externalS3, values.apiToken, values.alerts].map((v) => (v as { existingSecret: string }).existingSecret).filter(Boolean),
    );
    const dependencies = new Set(['router-postgresql', 'router-minio']);
    const pods = [...ofKind(objects, 'Deployment'), ...ofKind(objects, 'Job')];
    for (const env of pods.flatMap((p) => podSpec(p).containers.flatMap((c) => c.env ?? []))) {
      const ref = env.valueFrom?.secretKeyRef;
      if (!ref) continue;
      if (rendered.has(ref.name)) expect(rendered.get(ref.name)).toContain(ref.key);
      else expect(named.has(ref.name) || dependencies.has(ref.name)).toBe(true);
    }
  });

  it('gives only the services that use the database DATABASE_URL, and migrates with each of them in a hook Job', () => {
    const job = ofKind(objects, 'Job')[0];
    expect(job.metadata.annotations?.['helm.sh/hook']).toBe('post-install,pre-upgrade');
    const users = enabled.filter((s) => s.usesDatabase).map((s) => s.name);
    expect(podSpec(job).containers.map((c) => c.name)).toEqual(users.slice().sort());
    for (const c of podSpec(job).containers) expect(c.command).toEqual(['node', '/app/docker/migrate.js']);
    for (const deployment of ofKind(objects, 'Deployment')) {
      const name = podSpec(deployment).containers[0].name;
      const hasUrl = (podSpec(deployment).containers[0].env ?? []).some((e) => e.name === 'DATABASE_URL');
      expect([name, hasUrl]).toEqual([name, users.includes(name)]);
    }
  });

  it('ships a helm test pod that sends a C-ECHO the production accepts', () => {
    const [pod] = ofKind(objects, 'Pod');
    expect(pod.metadata.annotations?.['helm.sh/hook']).toBe('test');
    const echo = (values.tests as { echo: { callingAet: string; calledAet: string } }).echo;
    expect(podSpec(pod).containers[0].command).toEqual([
      'node',
      '/app/docker/dicom-echo.js',
      'router-dicom-router-dicom.pacs.svc',
      String((values.dicom as { port: number }).port),
      echo.callingAet,
      echo.calledAet,
    ]);
    const production = ofKind(objects, 'ConfigMap')[0]?.data as { 'production.yaml': string } | undefined;
    if (production) {
      const pairs = parseProduction(production['production.yaml']).associations.map((a) => `${a.callingAet}->${a.calledAet}`);
      expect(pairs).toContain(`${echo.callingAet}->${echo.calledAet}`);
    }
  });

  it('renders a production.yaml the router accepts, unless an existing ConfigMap is named', () => {
    const configMaps = ofKind(objects, 'ConfigMap');
    if ((values.production as { existingConfigMap: string }).existingConfigMap) {
      expect(configMaps).toEqual([]);
      return;
    }
    expect(() => parseProduction((configMaps[0].data as Record<string, string>)['production.yaml'])).not.toThrow();
  });

  it('gives every service an environment its own settings loader accepts, with the rendered production.yaml', () => {
    const configMap = ofKind(objects, 'ConfigMap')[0]?.data as Record<string, string> | undefined;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-production-'));
    // With an existing ConfigMap the production is the operator's: the demo production stands in.
    const productionFile = configMap ? path.join(dir, 'production.yaml') : undefined;
    if (productionFile) fs.writeFileSync(productionFile, configMap?.['production.yaml'] as string);
    try {
      const refused: string[] = [];
      for (const deployment of ofKind(objects, 'Deployment')) {
        const container = podSpec(deployment).containers[0];
        try {
          settingsLoader(container.name)(containerEnvironment(container, productionFile));
        } catch (err) {
          refused.push(`${container.name}: ${(err as Error).message}`);
        }
      }
      expect(refused).toEqual([]);
      expect(ofKind(objects, 'Deployment').length).toBe(enabled.length);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives the TLS files to the services that listen or send DICOM, and the alert settings to async-filer only', () => {
    const tls = (values.dicom as { tls: { enabled: boolean } }).tls.enabled;
    for (const deployment of ofKind(objects, 'Deployment')) {
      const container = podSpec(deployment).containers[0];
      const svc = services.find((s) => s.name === container.name) as unknown as { dicom: boolean; dicomClient: boolean };
      const names = (container.env ?? []).map((e) => e.name);
      const mounts = ((container as unknown as { volumeMounts: Array<{ name: string }> }).volumeMounts ?? []).map((m) => m.name);
      const wantsTls = tls && (svc.dicom || svc.dicomClient);
      expect([container.name, names.includes('TLS_CERT_FILE'), mounts.includes('tls')]).toEqual([container.name, wantsTls, wantsTls]);
      const alerts = names.filter((n) => n.startsWith('ALERT_') || n === 'SMTP_URL');
      if (container.name !== 'async-filer') expect([container.name, alerts]).toEqual([container.name, []]);
    }
  });

  it('gives the gateway an environment the router accepts', () => {
    const gateway = podSpec(ofKind(objects, 'Deployment').find((d) => d.metadata.name.endsWith('dicom-gateway')) as K8sObject).containers[0];
    const env: Record<string, string> = {};
    for (const e of gateway.env ?? []) {
      // Secrets stand in with a value of their documented form; $(VAR) references are expanded as the kubelet does.
      const secret = e.valueFrom?.secretKeyRef;
      env[e.name] = secret ? (secret.key.includes('url') ? (e.name === 'NATS_URL' ? 'nats://nats:4222' : 'postgres://u:p@pg:5432/db') : 'a-secret-value-0123456789') : (e.value ?? '');
    }
    for (const [name, value] of Object.entries(env)) env[name] = value.replace(/\$\((\w+)\)/g, (_m, v: string) => env[v] ?? '');
    const withoutTlsFiles = Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith('TLS_') && k !== 'DICOM_TLS_PORT' && k !== 'PRODUCTION_CONFIG'));
    expect(() => loadEnvironment(withoutTlsFiles)).not.toThrow();
  });

  it('prints the DICOM endpoint, the AE title and an echoscu line in NOTES.txt', () => {
    expect(notes).toContain('router-dicom-router-dicom');
    expect(notes).toMatch(/called AE title: \S+/);
    expect(notes).toMatch(/echoscu -v -aet \S+ -aec \S+ \$DICOM_HOST \d+/);
    expect(notes).toContain('helm test router -n pacs');
  });
});

describe('the chart with optional parts switched on or off', () => {
  it('renders every service from its own image, and drops a service whose `enabled` is off with its budget and migration container', async () => {
    const all = await render([]);
    for (const name of ['dicom-gateway', 'association-registry', 'worklist-process', 'storage-router', 'async-filer']) {
      const deployment = ofKind(all.objects, 'Deployment').find((d) => d.metadata.name === `router-dicom-router-${name}`) as K8sObject;
      expect(podSpec(deployment).containers[0].image).toBe(`localhost/dicom-router/${name}:0.1.0`);
    }
    const { objects } = await render([{ services: { asyncFiler: { enabled: false }, storageRouter: { enabled: false } } }]);
    const named = (kind: string) => ofKind(objects, kind).map((o) => o.metadata.name);
    for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget']) {
      expect(named(kind)).not.toContain('router-dicom-router-async-filer');
      expect(named(kind)).not.toContain('router-dicom-router-storage-router');
    }
    expect(podSpec(ofKind(objects, 'Job')[0]).containers.map((c) => c.name)).toEqual(['association-registry', 'dicom-gateway', 'worklist-process']);
  }, 60_000);

  it('accepts a file:// location on a ReadWriteMany claim at install, and refuses one the cluster holds as ReadWriteOnce', async () => {
    const claim = (modes: string[]) => ({ 'v1/PersistentVolumeClaim/pacs/dicom-archive': { apiVersion: 'v1', kind: 'PersistentVolumeClaim', spec: { accessModes: modes } } });
    const file = path.join(CHART_DIR, 'ci', 'filesystem-sync-values.yaml');
    const shared = await renderChart([file], 'router', 'pacs', claim(['ReadWriteMany']));
    expect(shared.stderr).toBe('');
    expect(shared.code).toBe(0);
    const single = await renderChart([file], 'router', 'pacs', claim(['ReadWriteOnce']));
    expect(single.code).toBe(1);
    expect(single.stderr).toMatch(/storage\.filesystem\.existingClaim "dicom-archive" has access modes \[ReadWriteOnce\]: .*storage-router and async-filer .*needs ReadWriteMany/);
  }, 60_000);

  it('renders a ServiceMonitor over the http ports when asked', async () => {
    const { objects } = await render([{ metrics: { serviceMonitor: { enabled: true, labels: { release: 'prometheus' } } } }]);
    const [monitor] = ofKind(objects, 'ServiceMonitor');
    expect(kubernetesSchemaErrors(monitor)).toBeUndefined();
    expect(monitor.metadata.labels).toEqual(expect.objectContaining({ release: 'prometheus' }));
    expect(monitor.spec.endpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics' })]);
  }, 60_000);
});

describe('validateValues', () => {
  const cases: Array<[string, object, RegExp]> = [
    ['async listener without a database', { postgresql: { enabled: false } }, /production\.config\.listeners\[0\] \(dicom\) is mode async: .*set postgresql\.enabled=true, externalDatabase\.url or externalDatabase\.existingSecret/],
    ['a sync listener without a database', { postgresql: { enabled: false }, production: { config: { listeners: [{ name: 'ct', port: 104, remoteAets: ['*'], mode: 'sync' }] } } }, /no database: the gateway's event outbox .*set postgresql\.enabled=true/],
    ['bundled and external PostgreSQL', { externalDatabase: { url: 'postgres://u:p@pg:5432/db' } }, /postgresql\.enabled and externalDatabase are both set/],
    ['no NATS', { nats: { enabled: false } }, /no NATS: .*set nats\.enabled=true, externalNats\.url or externalNats\.existingSecret/],
    ['TLS without its Secret', { dicom: { tls: { enabled: true } } }, /dicom\.tls\.enabled: set dicom\.tls\.existingSecret/],
    ['file storage without a shared volume', { minio: { enabled: false }, storage: { location: 'file:///srv/dicom/x' } }, /storage\.location is file:\/\/: set storage\.filesystem\.existingClaim/],
    ['file storage outside its volume', { minio: { enabled: false }, storage: { location: 'file:///elsewhere', filesystem: { existingClaim: 'pvc' } } }, /storage\.location "file:\/\/\/elsewhere" must lie below storage\.filesystem\.mountPath "\/srv\/dicom"/],
    ['the gateway disabled', { services: { dicomGateway: { enabled: false } } }, /services\.dicomGateway\.enabled: the gateway holds every DICOM socket/],
    ['autoscaling bounds reversed', { services: { dicomGateway: { autoscaling: { enabled: true, minReplicas: 5, maxReplicas: 2 } } } }, /services\.dicomGateway\.autoscaling: minReplicas 5 is above maxReplicas 2/],
    ['DICOM on another service', { services: { associationRegistry: { dicom: true } } }, /services\.associationRegistry\.dicom: only dicom-gateway opens DICOM sockets/],
    ['equal DICOM and TLS ports', { dicom: { port: 2762, tls: { enabled: true, existingSecret: 'tls' } } }, /dicom\.tls\.port and dicom\.port are both 2762/],
    ['async-filer without the database', { services: { asyncFiler: { usesDatabase: false } } }, /services\.asyncFiler\.usesDatabase: async-filer keeps its queues in PostgreSQL/],
    ['worklist-process without the database', { services: { worklistProcess: { usesDatabase: false } } }, /services\.worklistProcess\.usesDatabase: without DATABASE_URL/],
    [
      'a sync listener with a target and no storage-router',
      { services: { storageRouter: { enabled: false } }, production: { config: { listeners: [{ name: 'ct', port: 104, remoteAets: ['*'], mode: 'sync', target: 'archive' }] } } },
      /production\.config\.listeners\[0\] \(ct\) is mode sync with a target: .*set services\.storageRouter\.enabled=true/,
    ],
    [
      'an async listener with a target and no async-filer',
      { services: { asyncFiler: { enabled: false } }, production: { config: { listeners: [{ name: 'dicom', port: 104, remoteAets: ['*'], target: ['to-pacs'] }] } } },
      /production\.config\.listeners\[0\] \(dicom\) is mode async with a target: .*set services\.asyncFiler\.enabled=true/,
    ],
    [
      'a file intake routing without storage-router',
      {
        services: { storageRouter: { enabled: false } },
        production: { config: { routes: [{ name: 'archive', destinations: ['pacs'] }], fileIntakes: [{ name: 'drop', path: '/srv/drop', target: 'archive' }] } },
      },
      /production\.config\.fileIntakes\[0\] \(drop\) targets route archive: .*set services\.storageRouter\.enabled=true/,
    ],
    ['worklist queries accepted without worklist-process', { services: { worklistProcess: { enabled: false } } }, /Modality Worklist Information Model - FIND \(1\.2\.840\.10008\.5\.1\.4\.31\): .*set services\.worklistProcess\.enabled=true/],
    ['more stream replicas than bundled NATS servers', { jetstream: { streamReplicas: 5 } }, /jetstream\.streamReplicas 5 is more than the bundled NATS servers \(3\)/],
    ['an SMTP URL without sender and recipients', { alerts: { smtpUrl: 'smtp://smtp.example.org:25' } }, /alerts\.smtpUrl is set: alerts\.emailFrom and alerts\.emailTo/],
    ['alert recipients without an SMTP URL', { alerts: { emailTo: ['a@example.org'] } }, /alerts\.emailFrom\/emailTo: set alerts\.smtpUrl/],
  ];

  it.each(cases)('fails the render for %s, naming the values', async (_name, values, message) => {
    const result = await renderChart([values]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/invalid values for the dicom-router chart:/);
    expect(result.stderr).toMatch(message);
  }, 60_000);

  it('reports every problem at once', async () => {
    const result = await renderChart([{ nats: { enabled: false }, dicom: { tls: { enabled: true } } }]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/- no NATS[\s\S]*- dicom\.tls\.enabled/);
  }, 60_000);
});
