import { eventSource, makeEvent, type CloudEventJson } from '@dicom-router/contracts';

let counter = 0;

/** A contract event with a recognisable, increasing SOP Instance UID. */
export function storedEvent(n = ++counter): CloudEventJson {
  return makeEvent(
    'instanceStored',
    {
      associationId: 'assoc-1',
      listener: 'main',
      callingAet: 'STORESCU',
      calledAet: 'DICOM-ROUTER',
      source: 'association',
      storage: { location: 'file', key: `1.2.3/1.2.3.4/1.2.3.4.${n}.dcm`, size: 1234, sha256: 'b'.repeat(64) },
      transferSyntaxUid: '1.2.840.10008.1.2.1',
      sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
      sopInstanceUid: `1.2.3.4.${n}`,
      studyInstanceUid: '1.2.3',
      seriesInstanceUid: '1.2.3.4',
      attributes: { Modality: 'CT' },
    },
    { source: eventSource('persistence-test') },
  );
}
