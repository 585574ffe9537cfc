/**
 * k8s/: `kubectl kustomize` renders the base and every overlay; every rendered object validates
 * against the Kubernetes API schema of its kind (kubernetes-models); the rendered system keeps the
 * promises of the Helm chart: non-root, read-only root, no privilege escalation, probes on the health
 * endpoints, a budget per Deployment where replicas allow one, the DICOM port behind a LoadBalancer,
 * production.yaml valid for the router, and every ConfigMap and Secret referenced by a pod either
 * rendered or named in the overlay's documentation.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseProduction } from '@dicom-router/config';
import { runCommand } from '../support/processes';
import { requireTool } from '../support/tools';
import { K8S_DIR, kubernetesSchemaErrors, parseManifests, type Values } from './deploy-files';

const OVERLAYS = fs.readdirSync(path.join(K8S_DIR, 'overlays')).sort();
const TARGETS: Array<[string, string]> = [['base', path.join(K8S_DIR, 'base')], ...OVERLAYS.map((o): [string, string] => [o, path.join(K8S_DIR, 'overlays', o)])];

interface Container {
  name: string;
  image: string;
  securityContext?: Values;
  livenessProbe?: { httpGet?: { path: string } };
  readinessProbe?: { httpGet?: { path: string } };
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string }; configMapKeyRef?: { name: string } } }>;
}
interface PodSpec {
  securityContext?: Values;
  containers: Container[];
  volumes?: Array<{ configMap?: { name: string }; secret?: { secretName: string } }>;
}
type K8sObject = Values & { kind: string; metadata: { name: string; labels?: Record<string, string> }; spec?: Values };

const rendered = new Map<string, K8sObject[]>();

beforeAll(async () => {
  const kubectl = requireTool('kubectl');
  const version = await runCommand(kubectl, ['version', '--client'], { timeoutMs: 30_000 });
  const kustomize = /Kustomize Version: v(\d+)\.(\d+)/.exec(version.stdout);
  // `labels`, `replicas` and targeted `patches` need kustomize 4.1 or later (kubectl 1.21+).
  if (!kustomize || Number(kustomize[1]) < 4 || (Number(kustomize[1]) === 4 && Number(kustomize[2]) < 1)) {
    throw new Error(`kubectl with kustomize 4.1 or later is required; found: ${version.stdout.trim() || version.stderr.trim()}`);
  }
  for (const [name, dir] of TARGETS) {
    const result = await runCommand(kubectl, ['kustomize', dir], { timeoutMs: 60_000 });
    if (result.code !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${result.stderr}`);
    rendered.set(name, parseManifests(result.stdout) as K8sObject[]);
  }
}, 120_000);

const objectsOf = (target: string): K8sObject[] => rendered.get(target) ?? [];
const ofKind = (target: string, kind: string) => objectsOf(target).filter((o) => o.kind === kind);
const podSpec = (deployment: K8sObject) => (deployment.spec as { template: { spec: PodSpec } }).template.spec;

describe.each(TARGETS.map(([name]) => [name]))('kustomize %s', (target) => {
  it('renders Deployments, Services and the production ConfigMap', () => {
    const kinds = new Set(objectsOf(target).map((o) => o.kind));
    for (const kind of ['Deployment', 'Service', 'ConfigMap', 'ServiceAccount']) expect(kinds).toContain(kind);
  });

  it('renders only objects that validate against the Kubernetes API schema', () => {
    const invalid = objectsOf(target)
      .map((o) => [`${o.kind}/${o.metadata.name}`, kubernetesSchemaErrors(o)])
      .filter(([, error]) => error !== undefined);
    expect(invalid).toEqual([]);
  });

  it('runs every container as a non-root user, read-only, without privilege escalation or capabilities', () => {
    for (const deployment of ofKind(target, 'Deployment')) {
      const pod = podSpec(deployment);
      expect(pod.securityContext).toEqual(expect.objectContaining({ runAsNonRoot: true, runAsUser: 10001 }));
      for (const container of pod.containers) {
        expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
        expect(container.livenessProbe?.httpGet?.path).toBe('/health/live');
        expect(container.readinessProbe?.httpGet?.path).toBe('/health/ready');
      }
    }
  });

  it('selects each Deployment’s pods by labels the pods carry', () => {
    for (const deployment of ofKind(target, 'Deployment')) {
      const spec = deployment.spec as { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> } } };
      expect(spec.template.metadata.labels).toEqual(expect.objectContaining(spec.selector.matchLabels));
    }
  });

  it('puts the gateway’s DICOM port behind a Service that reaches the gateway pods', () => {
    const dicom = ofKind(target, 'Service').find((s) => (s.spec as { ports: Array<{ name: string }> }).ports.some((p) => p.name === 'dicom'));
    expect(dicom).toBeDefined();
    const spec = dicom?.spec as { type: string; selector: Record<string, string>; ports: Array<{ port: number }> };
    expect(spec.ports[0].port).toBe(11112);
    const gateway = ofKind(target, 'Deployment').find((d) => d.metadata.name.endsWith('dicom-gateway'));
    const podLabels = (gateway?.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
    expect(podLabels).toEqual(expect.objectContaining(spec.selector));
  });

  it('mounts a production.yaml the router accepts', () => {
    const configMap = ofKind(target, 'ConfigMap').find((c) => c.metadata.name.startsWith('dicom-router-production'));
    const production = (configMap?.data as Record<string, string> | undefined)?.['production.yaml'];
    expect(production).toBeDefined();
    expect(() => parseProduction(production as string)).not.toThrow();
  });

  it('references only ConfigMaps it renders, and Secrets it renders or that the overlay documents', () => {
    const kustomization = fs.readFileSync(path.join(TARGETS.find(([n]) => n === target)?.[1] as string, 'kustomization.yaml'), 'utf8');
    const names = (kind: string) => new Set(ofKind(target, kind).map((o) => o.metadata.name));
    const configMaps = names('ConfigMap');
    const secrets = names('Secret');
    const problems: string[] = [];
    for (const deployment of ofKind(target, 'Deployment')) {
      const pod = podSpec(deployment);
      for (const volume of pod.volumes ?? []) {
        if (volume.configMap && !configMaps.has(volume.configMap.name)) problems.push(`volume ConfigMap ${volume.configMap.name}`);
      }
      for (const container of pod.containers) {
        for (const from of container.envFrom ?? []) {
          if (from.configMapRef && !configMaps.has(from.configMapRef.name)) problems.push(`envFrom ConfigMap ${from.configMapRef.name}`);
        }
        for (const variable of container.env ?? []) {
          const secret = variable.valueFrom?.secretKeyRef?.name;
          // The base and prod leave the credentials Secret to the operator and say so in kustomization.yaml.
          if (secret && !secrets.has(secret) && !kustomization.includes(secret)) problems.push(`Secret ${secret}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('the services', () => {
  const SERVICES = ['dicom-gateway', 'association-registry', 'worklist-process', 'storage-router', 'async-filer'];

  it.each(TARGETS.map(([name]) => [name]))('%s deploys every service, each with an http Service reaching its pods', (target) => {
    expect(ofKind(target, 'Deployment').map((d) => d.metadata.name).sort()).toEqual(SERVICES.slice().sort());
    for (const name of SERVICES) {
      const service = ofKind(target, 'Service').find((s) => s.metadata.name === name);
      const podLabels = (ofKind(target, 'Deployment').find((d) => d.metadata.name === name)?.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
      expect(podLabels).toEqual(expect.objectContaining((service?.spec as { selector: Record<string, string> }).selector));
    }
  });

  it('gives DATABASE_URL to the services that keep data in PostgreSQL only, and async-filer its alert keys as optional', () => {
    const env = (name: string) => (podSpec(ofKind('base', 'Deployment').find((d) => d.metadata.name === name) as K8sObject).containers[0].env ?? []);
    const withDatabase = SERVICES.filter((name) => env(name).some((e) => e.name === 'DATABASE_URL'));
    expect(withDatabase.sort()).toEqual(['association-registry', 'async-filer', 'dicom-gateway', 'worklist-process']);
    const alerts = env('async-filer').filter((e) => ['ALERT_WEBHOOK_URL', 'SMTP_URL', 'ALERT_EMAIL_FROM', 'ALERT_EMAIL_TO'].includes(e.name));
    expect(alerts.map((e) => [e.name, (e.valueFrom?.secretKeyRef as { optional?: boolean } | undefined)?.optional])).toEqual([
      ['ALERT_WEBHOOK_URL', true],
      ['SMTP_URL', true],
      ['ALERT_EMAIL_FROM', true],
      ['ALERT_EMAIL_TO', true],
    ]);
    for (const name of SERVICES.filter((n) => n !== 'async-filer')) expect(env(name).filter((e) => e.name.startsWith('ALERT_') || e.name === 'SMTP_URL')).toEqual([]);
  });

  it('replicates the JetStream streams three times in prod, once in dev and base', () => {
    const setting = (target: string) =>
      (ofKind(target, 'ConfigMap').find((c) => c.metadata.name.startsWith('dicom-router-settings'))?.data as Record<string, string>).NATS_STREAM_REPLICAS;
    expect([setting('base'), setting('dev'), setting('prod')]).toEqual(['1', '1', '3']);
  });
});

describe('overlays', () => {
  it('are dev and prod', () => {
    expect(OVERLAYS).toEqual(['dev', 'prod']);
  });

  it('prod keeps the modality’s address (externalTrafficPolicy Local), autoscales the gateway and budgets every Deployment', () => {
    const dicom = ofKind('prod', 'Service').find((s) => s.metadata.name === 'dicom-router-dicom');
    expect(dicom?.spec).toEqual(expect.objectContaining({ type: 'LoadBalancer', externalTrafficPolicy: 'Local' }));
    const hpa = ofKind('prod', 'HorizontalPodAutoscaler');
    expect(hpa.map((h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name)).toEqual(['dicom-gateway']);
    const gateway = ofKind('prod', 'Deployment').find((d) => d.metadata.name === 'dicom-gateway');
    expect(gateway?.spec).not.toHaveProperty('replicas');
    const budgeted = ofKind('prod', 'PodDisruptionBudget').map((p) => p.metadata.name).sort();
    expect(budgeted).toEqual(ofKind('prod', 'Deployment').map((d) => d.metadata.name).sort());
    expect(ofKind('prod', 'Secret')).toEqual([]);
  });

  it('dev runs one replica each with generated development credentials and no budgets', () => {
    for (const deployment of ofKind('dev', 'Deployment')) expect((deployment.spec as { replicas: number }).replicas).toBe(1);
    expect(ofKind('dev', 'PodDisruptionBudget')).toEqual([]);
    expect(ofKind('dev', 'Secret').map((s) => s.metadata.name)).toEqual([expect.stringMatching(/^dicom-router-credentials-/)]);
  });

  it('give the gateway a termination grace covering preStop and the association drain', () => {
    for (const target of OVERLAYS) {
      const gateway = ofKind(target, 'Deployment').find((d) => d.metadata.name === 'dicom-gateway') as K8sObject;
      const pod = podSpec(gateway) as PodSpec & { terminationGracePeriodSeconds: number };
      const container = pod.containers[0] as Container & { lifecycle: { preStop: { exec: { command: string[] } } } };
      const preStop = Number(container.lifecycle.preStop.exec.command[1]);
      const drain = Number(container.env?.find((e) => e.name === 'SHUTDOWN_GRACE_MS')?.value) / 1000;
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(preStop + drain);
    }
  });
});
