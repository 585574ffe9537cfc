import type { EventDataMap } from '../events';

const association = {
  associationId: '01J9Z6Q2M4W7X3C8B5N1K0T2R6',
  listener: 'main',
  callingAet: 'STORESCU',
  calledAet: 'DICOM-ROUTER',
  peerAddress: '10.0.0.7',
  peerPort: 50412,
  contexts: [
    { id: 1, abstractSyntax: '1.2.840.10008.5.1.4.1.1.2', transferSyntax: '1.2.840.10008.1.2.1' },
    { id: 3, abstractSyntax: '1.2.840.10008.5.1.4.1.1.4', transferSyntax: null },
  ],
};

const sopInstanceUid = '1.2.826.0.1.3680043.8.498.10000000000000000001';
const sha256 = 'a'.repeat(64);

/** One realistic payload per event, used to check the types, the envelope and the AsyncAPI schemas agree. */
export const SAMPLE_DATA: EventDataMap = {
  associationAccepted: association,
  associationRejected: { ...association, contexts: [], result: 1, source: 1, reason: 3 },
  associationReleased: association,
  associationAborted: { ...association, by: 'router', source: 2, reason: 2, message: 'unexpected PDU in Sta6' },
  instanceStored: {
    associationId: association.associationId,
    listener: 'main',
    callingAet: 'STORESCU',
    calledAet: 'DICOM-ROUTER',
    source: 'association',
    storage: { location: 's3', key: 'studies/1.2.3/series/1.2.3.4/' + sopInstanceUid + '.dcm', size: 39_456, sha256 },
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
    sopInstanceUid,
    studyInstanceUid: '1.2.3',
    seriesInstanceUid: '1.2.3.4',
    attributes: { PatientID: 'P-0001', Modality: 'CT', AccessionNumber: 'A-42' },
  },
  deliverySucceeded: { sopInstanceUid, destination: 'pacs', status: 0, errorComment: null, attempt: 1, sha256 },
  deliveryFailed: { sopInstanceUid, destination: 'pacs', status: 0xa700, errorComment: 'Out of resources', attempt: 3, sha256 },
  worklistQueried: { associationId: association.associationId, callingAet: 'FINDSCU', matchCount: 12, cancelled: false },
  alert: {
    severity: 'error',
    kind: 'retries-exhausted',
    message: 'pacs: 5 attempts failed',
    details: { destination: 'pacs', sopInstanceUid },
  },
};
