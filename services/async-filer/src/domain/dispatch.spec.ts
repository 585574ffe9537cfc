import { parseProduction } from '@dicom-router/config';
import type { InstanceStoredV1 } from '@dicom-router/contracts';
import { compileCondition } from '@dicom-router/routing-rules';
import { Dispatcher } from './dispatch';
import { problemsOfStoredEvent } from './stored-event';
import { retryDelayMs } from './backoff';

const production = parseProduction(
  `
destinations:
  - { name: pacs, host: 127.0.0.1, port: 104, calledAet: PACS }
  - { name: archive, host: 127.0.0.1, port: 105, calledAet: ARCHIVE }
filers:
  - { name: ct-to-pacs, condition: 'modality == "CT"', destination: pacs }
  - { name: all-to-archive, destination: archive }
  - { name: by-series, condition: 'int(attr("SeriesNumber")) > 2', destination: archive }
  - { name: unused, destination: archive }
listeners:
  - { name: async-in, port: 104, remoteAets: ['*'], mode: async, target: [ct-to-pacs, all-to-archive, by-series] }
  - { name: sync-in, port: 105, remoteAets: ['*'], mode: sync }
  - { name: async-untargeted, port: 106, remoteAets: ['*'], mode: async }
fileIntakes:
  - { name: inbox, path: /tmp/inbox, afterStore: delete, target: all-to-archive }
`,
  'production.yaml',
  { checkCondition: compileCondition },
);

function stored(overrides: Partial<InstanceStoredV1> = {}, attributes: Record<string, string> = {}): InstanceStoredV1 {
  return {
    associationId: 'a1b2c3',
    listener: 'async-in',
    callingAet: 'CT01',
    calledAet: 'ROUTER',
    source: 'association',
    storage: { location: 'file', key: 'x/1.dcm', size: 10, sha256: 'a'.repeat(64) },
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
    sopInstanceUid: '1.2.3.4',
    studyInstanceUid: '1.2.3',
    seriesInstanceUid: '1.2.3.5',
    attributes,
    ...overrides,
  };
}

describe('Dispatcher', () => {
  const dispatcher = new Dispatcher(production);

  it('queues an instance for every targeted filer whose condition holds and ignores it for the others', () => {
    expect(dispatcher.dispatch(stored({}, { Modality: 'CT', SeriesNumber: '3' }))).toEqual([
      { filer: 'ct-to-pacs', destination: 'pacs', status: 'Queued', remark: '' },
      { filer: 'all-to-archive', destination: 'archive', status: 'Queued', remark: '' },
      { filer: 'by-series', destination: 'archive', status: 'Queued', remark: '' },
    ]);
    expect(dispatcher.dispatch(stored({}, { Modality: 'MR', SeriesNumber: '1' })).map((d) => `${d.filer}:${d.status}`)).toEqual([
      'ct-to-pacs:Ignored',
      'all-to-archive:Queued',
      'by-series:Ignored',
    ]);
  });

  it('records a condition that cannot be decided for this instance as Errored with the reason', () => {
    const [, , bySeries] = dispatcher.dispatch(stored({}, { Modality: 'CT', SeriesNumber: 'abc' }));
    expect(bySeries).toMatchObject({ filer: 'by-series', status: 'Errored' });
    expect(bySeries.remark).toMatch(/^condition could not be decided: /);
  });

  it('dispatches nothing for sync listeners, untargeted or unknown listeners', () => {
    expect(dispatcher.dispatch(stored({ listener: 'sync-in' }))).toEqual([]);
    expect(dispatcher.dispatch(stored({ listener: 'async-untargeted' }))).toEqual([]);
    expect(dispatcher.dispatch(stored({ listener: 'gone' }))).toEqual([]);
  });

  it("dispatches a file intake's instances to its target filer", () => {
    expect(dispatcher.dispatch(stored({ source: 'file-intake:inbox', associationId: null, listener: null }))).toEqual([
      { filer: 'all-to-archive', destination: 'archive', status: 'Queued', remark: '' },
    ]);
    expect(dispatcher.dispatch(stored({ source: 'file-intake:other', associationId: null, listener: null }))).toEqual([]);
  });
});

describe('problemsOfStoredEvent', () => {
  it('accepts a well-formed payload', () => {
    expect(problemsOfStoredEvent(stored())).toEqual([]);
  });

  it('names every field it cannot use', () => {
    expect(problemsOfStoredEvent({ ...stored(), sopInstanceUid: "1.2'; DROP TABLE filer_document;--", associationId: '../x', storage: { key: '', sha256: 'zz' } })).toEqual([
      'sopInstanceUid is not a UID',
      'associationId is missing or not an id',
      'storage.key is missing',
      'storage.sha256 is not a hex SHA-256',
    ]);
    expect(problemsOfStoredEvent(null)).toEqual(['data is not an object']);
  });
});

describe('retryDelayMs', () => {
  it('doubles the backoff per further retry, capped at a day', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(30, n))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(3600, 20)).toBe(86_400_000);
  });
});
