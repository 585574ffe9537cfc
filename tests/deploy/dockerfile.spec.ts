/**
 * docker/Dockerfile, read statically (building takes minutes under vfs, so `npm run images` does it
 * outside the test suite): one target per service that exists, each starting that service's built
 * entry point; a non-root numeric user; a HEALTHCHECK; production dependencies only; the gateway's
 * young-generation cap; and the chart and kustomize referencing only images that a target builds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GATEWAY_NODE_FLAGS, WORKSPACE_ROOT } from '../support/gateway';
import { CHART_DIR, DOCKER_DIR, K8S_DIR, readYaml } from './deploy-files';

const dockerfile = fs.readFileSync(path.join(DOCKER_DIR, 'Dockerfile'), 'utf8');
/** Instructions with continuation lines joined, comments dropped. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

interface Stage {
  name: string;
  from: string;
  lines: string[];
}
const stages: Stage[] = [];
for (const line of instructions) {
  const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
  if (from) stages.push({ from: from[1], name: from[2] ?? '', lines: [] });
  else stages.at(-1)?.lines.push(line);
}
const stage = (name: string) => stages.find((s) => s.name === name) as Stage;
const serviceTargets = stages.filter((s) => s.from === 'runtime');

describe('docker/Dockerfile', () => {
  it('has a target for each of the services that exist, each named after one', () => {
    const targets = serviceTargets.map((s) => s.name);
    const services = fs.readdirSync(path.join(WORKSPACE_ROOT, 'services')).filter((d) => fs.existsSync(path.join(WORKSPACE_ROOT, 'services', d, 'src', 'main.ts')));
    expect(services).toEqual(expect.arrayContaining(['dicom-gateway', 'association-registry', 'worklist-process', 'storage-router', 'async-filer']));
    expect(targets.slice().sort()).toEqual(services.sort());
    for (const target of targets) expect(fs.existsSync(path.join(WORKSPACE_ROOT, 'services', target, 'package.json'))).toBe(true);
  });

  it('builds exactly the services that have a target', () => {
    const arg = /^ARG SERVICES="([^"]+)"/m.exec(stage('build').lines.join('\n'));
    expect(arg?.[1].split(' ').sort()).toEqual(serviceTargets.map((s) => s.name).sort());
  });

  it.each(serviceTargets.map((s) => [s.name, s]))('starts %s from its compiled src/main.ts', (name, target) => {
    expect(fs.existsSync(path.join(WORKSPACE_ROOT, 'services', name, 'src', 'main.ts'))).toBe(true);
    const cmd = target.lines.find((l) => l.startsWith('CMD'));
    expect(cmd).toBeDefined();
    const argv = JSON.parse((cmd as string).slice(3).trim()) as string[];
    expect(argv[0]).toBe('node');
    expect(argv.at(-1)).toBe(`services/${name}/dist/main.js`);
    expect(target.lines).toContain(`COPY --from=build /out/services/${name}/ /app/services/${name}/`);
  });

  it('runs the gateway with the node flags the tests run it with (young generation and old-generation headroom)', () => {
    const cmd = stage('dicom-gateway').lines.find((l) => l.startsWith('CMD')) as string;
    const args = JSON.parse(cmd.slice(3).trim()) as string[];
    expect(args.slice(1, 1 + GATEWAY_NODE_FLAGS.length)).toEqual(GATEWAY_NODE_FLAGS);
  });

  it('runs as a fixed non-root numeric user, with a HEALTHCHECK and local state in a volume', () => {
    const runtime = stage('runtime');
    const user = runtime.lines.find((l) => l.startsWith('USER'));
    expect(user).toMatch(/^USER 10001:10001$/);
    expect(runtime.lines.some((l) => /^HEALTHCHECK .*CMD \["node", "\/app\/docker\/healthcheck\.js"\]/.test(l))).toBe(true);
    expect(runtime.lines.some((l) => l.startsWith('VOLUME') && l.includes('/var/lib/dicom-router'))).toBe(true);
    expect(runtime.lines.join('\n')).toMatch(/DATA_DIR=\/var\/lib\/dicom-router/);
    // No stage after `runtime` switches back to root.
    for (const target of serviceTargets) expect(target.lines.filter((l) => l.startsWith('USER'))).toEqual([]);
  });

  it('ships production dependencies only: the build stage prunes dev dependencies before assembling', () => {
    const build = stage('build').lines;
    const prune = build.findIndex((l) => /npm prune --omit=dev/.test(l));
    const assemble = build.findIndex((l) => /assemble-runtime\.sh/.test(l));
    expect(prune).toBeGreaterThan(build.findIndex((l) => /npm ci/.test(l)));
    expect(assemble).toBeGreaterThan(prune);
    // The runtime takes only the assembled tree from the build stage.
    for (const s of [stage('runtime'), ...serviceTargets]) {
      for (const copy of s.lines.filter((l) => l.includes('--from='))) expect(copy).toMatch(/--from=build \/out\//);
    }
  });

  it('keeps node_modules, builds and local data out of the build context', () => {
    const ignore = fs.readFileSync(path.join(DOCKER_DIR, 'Dockerfile.dockerignore'), 'utf8').split('\n');
    for (const pattern of ['**/node_modules', '**/dist', '.git', '/data']) expect(ignore).toContain(pattern);
  });
});

describe('images referenced by the deployments', () => {
  const targets = new Set(serviceTargets.map((s) => s.name));

  it('the chart lists every service a Dockerfile target builds', () => {
    const services = readYaml(path.join(CHART_DIR, 'values.yaml')).services as Record<string, { name: string }>;
    expect(Object.values(services).map((s) => s.name).sort()).toEqual([...targets].sort());
  });

  it('the chart enables only services whose image a Dockerfile target builds', () => {
    const services = readYaml(path.join(CHART_DIR, 'values.yaml')).services as Record<string, { enabled: boolean; name: string; image: { repository: string } }>;
    for (const service of Object.values(services).filter((s) => s.enabled)) {
      expect(targets).toContain(service.name);
      expect(service.image.repository).toBe(service.name);
    }
  });

  it('kustomize names every image a Dockerfile target builds, and no other', () => {
    const base = path.join(K8S_DIR, 'base');
    const text = fs.readdirSync(base).filter((f) => f.endsWith('.yaml')).map((f) => fs.readFileSync(path.join(base, f), 'utf8')).join('\n');
    const images = [...text.matchAll(/image: dicom-router\/([a-z-]+):/g)].map((m) => m[1]);
    expect(images.slice().sort()).toEqual([...targets].sort());
  });
});
