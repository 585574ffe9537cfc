import fs from 'node:fs';
import path from 'node:path';
import { getFreePorts } from './ports';
import { httpGet, spawnProcess, waitForHttp, type ManagedProcess } from './processes';
import { requireTool } from './tools';
import { tempDir } from './tmp';

/**
 * Debian's Orthanc (/usr/sbin/Orthanc, 1.10) as a destination PACS, with its own config, storage and ports.
 * The packaged /etc/orthanc config is not used: it loads /usr/share/orthanc/plugins/ (worklist,
 * serve-folders), and these tests want Orthanc's core only, so "Plugins" is empty.
 * Orthanc 1.10 has no bind-address setting: its DICOM port listens on all interfaces, and
 * RemoteAccessAllowed=false makes its HTTP API answer loopback clients only.
 */
export interface OrthancOptions {
  aet?: string;
  dicomPort?: number;
  httpPort?: number;
  /** Merged over the generated configuration (e.g. DicomModalities for C-MOVE tests). */
  extraConfig?: Record<string, unknown>;
  readyTimeoutMs?: number;
}

export interface OrthancPeer {
  aet: string;
  dicomPort: number;
  httpPort: number;
  baseUrl: string;
  dir: string;
  configFile: string;
  process: ManagedProcess;
  /** GET on the REST API, parsed as JSON; throws on a non-2xx status. */
  getJson<T = unknown>(urlPath: string): Promise<T>;
  /** Orthanc IDs of all stored instances. */
  instances(): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startOrthanc(options: OrthancOptions = {}): Promise<OrthancPeer> {
  const binary = requireTool('Orthanc');
  const [freeDicom, freeHttp] = await getFreePorts(2);
  const dicomPort = options.dicomPort ?? freeDicom;
  const httpPort = options.httpPort ?? freeHttp;
  const aet = options.aet ?? 'ORTHANC';
  const dir = tempDir('orthanc');
  const config = {
    Name: `test-orthanc-${dicomPort}`,
    StorageDirectory: path.join(dir, 'storage'),
    IndexDirectory: path.join(dir, 'index'),
    Plugins: [],
    HttpServerEnabled: true,
    HttpPort: httpPort,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    DicomServerEnabled: true,
    DicomPort: dicomPort,
    DicomAet: aet,
    DicomCheckCalledAet: false,
    DicomModalities: {},
    DicomAlwaysAllowEcho: true,
    DicomAlwaysAllowStore: true,
    ...options.extraConfig,
  };
  const configFile = path.join(dir, 'orthanc.json');
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2));

  const proc = spawnProcess(binary, [configFile], { name: `Orthanc(${aet}:${dicomPort})`, cwd: dir });
  const baseUrl = `http://127.0.0.1:${httpPort}`;
  try {
    await waitForHttp(`${baseUrl}/system`, { process: proc, timeoutMs: options.readyTimeoutMs ?? 30_000 });
  } catch (e) {
    await proc.stop();
    throw e;
  }

  const getJson = async <T>(urlPath: string): Promise<T> => {
    const res = await httpGet(`${baseUrl}${urlPath}`, 10_000);
    if (res.status < 200 || res.status >= 300) throw new Error(`Orthanc GET ${urlPath}: ${res.status} ${res.body}`);
    return JSON.parse(res.body) as T;
  };
  return {
    aet,
    dicomPort,
    httpPort,
    baseUrl,
    dir,
    configFile,
    process: proc,
    getJson,
    instances: () => getJson<string[]>('/instances'),
    stop: async () => {
      await proc.stop();
    },
  };
}
