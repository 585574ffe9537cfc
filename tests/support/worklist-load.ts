import { DicomClient, EXPLICIT_VR_LITTLE_ENDIAN, type ClientAssociation } from '@dicom-router/dicom-network';
import { writeDataSet, type DicomJson } from '@dicom-router/worklist';
import { MODALITY_WORKLIST_FIND, type WorklistProcessHandle } from './worklist';

/** The Scheduled Station AE Title and Start Date of an item's first Scheduled Procedure Step. */
export function stationAndDateOf(item: DicomJson): [station: string, date: string] {
  const step = (item['00400100']?.Value as Array<Record<string, { Value?: unknown[] }>>)[0];
  return [String(step['00400001']?.Value?.[0]), String(step['00400002']?.Value?.[0])];
}

/** Where items are posted: worklist-process, or a gateway hosting it; its output explains a failed load. */
export type ItemsEndpoint = Pick<WorklistProcessHandle, 'post' | 'process'>;

/** Posts items in batches that stay below the endpoint's body limit. */
export async function loadItems(worklist: ItemsEndpoint, items: readonly DicomJson[], batch = 2000): Promise<void> {
  for (let start = 0; start < items.length; start += batch) {
    const response = await worklist
      .post('/api/v1/worklist/items', JSON.stringify(items.slice(start, start + batch)), 'application/dicom+json')
      .catch((err: Error) => {
        throw new Error(`loading items ${start}…: ${err.message} (${String(err.cause)}); worklist-process said:\n${worklist.process.stdout().slice(-2000)}${worklist.process.stderr().slice(-2000)}`);
      });
    if (response.status !== 201) throw new Error(`loading items ${start}…: ${response.status} ${JSON.stringify(response.json).slice(0, 300)}`);
  }
}

export const LOAD_SCU = 'LOAD-SCU';

export async function connectWorklistScu(port: number, calledAet: string): Promise<ClientAssociation> {
  return DicomClient.connect({
    host: '127.0.0.1',
    port,
    callingAet: LOAD_SCU,
    calledAet,
    presentationContexts: [{ abstractSyntax: MODALITY_WORKLIST_FIND, transferSyntaxes: [EXPLICIT_VR_LITTLE_ENDIAN] }],
    implementation: { classUid: '2.25.100030543585475866236183110513822956208', versionName: 'WL_LOAD' },
    connectTimeoutMs: 5_000,
    dimseTimeoutMs: 60_000,
  });
}

/** The query a modality sends for its day: its station AE title and a date, with the usual return keys. */
export function stationDayIdentifier(station: string, date: string): Buffer {
  return writeDataSet(
    {
      '00080050': { vr: 'SH' },
      '00100010': { vr: 'PN' },
      '00100020': { vr: 'LO' },
      '0020000D': { vr: 'UI' },
      '00400100': {
        vr: 'SQ',
        Value: [
          {
            '00080060': { vr: 'CS' },
            '00400001': { vr: 'AE', Value: [station] },
            '00400002': { vr: 'DA', Value: [date] },
            '00400003': { vr: 'TM' },
            '00400009': { vr: 'SH' },
          },
        ],
      },
    },
    { explicitVr: true, encoding: 'latin1' },
  );
}

/** One C-FIND: the final status, the number of pending responses, and the wall-clock time to the final response. */
export async function timedFind(association: ClientAssociation, identifier: Buffer): Promise<{ status: number; matches: number; ms: number }> {
  const context = association.contextFor(MODALITY_WORKLIST_FIND)!;
  let matches = 0;
  const started = process.hrtime.bigint();
  const final = await association.request(
    context.id,
    { commandField: 'C-FIND-RQ', messageId: association.allocateMessageId(), affectedSopClassUid: MODALITY_WORKLIST_FIND, priority: 0, hasDataSet: true },
    identifier,
    (rsp) => {
      matches += 1;
      rsp.dataSet?.resume();
    },
  );
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { status: (final.command as { status: number }).status, matches, ms };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Matches expected from the generated items themselves, independently of the service. */
export function expectedStationDay(items: readonly DicomJson[], station: string, date: string): number {
  return items.filter((item) =>
    ((item['00400100'].Value ?? []) as DicomJson[]).some(
      (step) => (step['00400001']?.Value ?? []).includes(station) && step['00400002']?.Value?.[0] === date,
    ),
  ).length;
}
