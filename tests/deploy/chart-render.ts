/**
 * Renders the chart with tests/deploy/chart-render (Go text/template + sprig, Helm's own template
 * engine and function library, built here from Debian's golang-go and golang-github-masterminds-sprig-dev),
 * since helm itself is neither a Debian nor an npm package.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCommand } from '../support/processes';
import { CHART_DIR } from './deploy-files';

const SOURCE = path.join(__dirname, 'chart-render');
const GOPATH = '/usr/share/gocode';
const PACKAGES = 'golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v2-dev';

/** Builds the renderer once per process; fails, naming the Debian packages, when Go or sprig is missing. */
let built: Promise<string> | undefined;
export function buildChartRenderer(): Promise<string> {
  built ??= (async () => {
    const sprig = path.join(GOPATH, 'src', 'github.com', 'Masterminds', 'sprig');
    const go = ['/usr/bin/go', '/usr/lib/go/bin/go'].find((p) => fs.existsSync(p));
    if (!go || !fs.existsSync(sprig)) {
      throw new Error(`rendering the chart needs Go and sprig from Debian: apt-get install -y --no-install-recommends ${PACKAGES}`);
    }
    // One fixed place, rebuilt each run (Go's build cache makes that quick), so runs leave nothing behind.
    const output = path.join(os.tmpdir(), 'chart-render-bin', 'chart-render');
    fs.mkdirSync(path.dirname(output), { recursive: true });
    const result = await runCommand(go, ['build', '-o', output, '.'], {
      cwd: SOURCE,
      env: { GOPATH, GO111MODULE: 'off', GOFLAGS: '', GOCACHE: path.join(os.tmpdir(), 'chart-render-gocache') },
      timeoutMs: 180_000,
    });
    if (result.code !== 0) throw new Error(`go build of chart-render failed:\n${result.stderr}`);
    return output;
  })();
  return built;
}

export interface RenderResult {
  code: number | null;
  manifests: string;
  notes: string;
  stderr: string;
}

/** Objects `lookup` finds, keyed "apiVersion/kind/namespace/name", as the cluster would hold them at install. */
export type ClusterObjects = Record<string, object>;

/** `helm template release CHART -f <files>` with NOTES.txt; values files may be paths or objects. */
export async function renderChart(
  valueFiles: Array<string | object> = [],
  release = 'router',
  namespace = 'pacs',
  cluster: ClusterObjects = {},
): Promise<RenderResult> {
  const renderer = await buildChartRenderer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-values-'));
  const args = ['-notes', '-name', release, '-namespace', namespace];
  if (Object.keys(cluster).length > 0) {
    const written = path.join(dir, 'cluster.json');
    fs.writeFileSync(written, JSON.stringify(cluster));
    args.push('-lookup', written);
  }
  valueFiles.forEach((file, i) => {
    if (typeof file === 'string') {
      args.push('-f', file);
    } else {
      const written = path.join(dir, `values-${i}.json`);
      fs.writeFileSync(written, JSON.stringify(file));
      args.push('-f', written);
    }
  });
  const result = await runCommand(renderer, [...args, CHART_DIR], { timeoutMs: 60_000 });
  fs.rmSync(dir, { recursive: true, force: true });
  const [manifests, notes = ''] = result.stdout.split('# NOTES\n');
  return { code: result.code, manifests, notes, stderr: result.stderr };
}
