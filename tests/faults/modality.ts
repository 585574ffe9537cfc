/** A modality for fault scenarios: generated CT instances over our own SCU, with what each was answered. */
import { createHash, randomUUID } from 'node:crypto';
import { ClientAssociation, DicomClient } from '@dicom-router/dicom-network';
import { CT_IMAGE_STORAGE, EXPLICIT_VR_LITTLE_ENDIAN, largeCtDataSet, type CtUids } from '../support/store-bytes';

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
export const freshUid = (): string => `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString()}`;
export const freshCtUids = (): CtUids => ({ sopInstanceUid: freshUid(), studyInstanceUid: freshUid(), seriesInstanceUid: freshUid() });
/** The documented object key of an instance. */
export const keyOf = (u: CtUids): string => `studies/${u.studyInstanceUid}/series/${u.seriesInstanceUid}/instances/${u.sopInstanceUid}.dcm`;

/** The association context every fault scenario's listener defines for MODALITY → DICOM-ROUTER. */
export const MODALITY_ASSOCIATION = {
  name: 'modality',
  callingAet: 'MODALITY',
  calledAet: 'DICOM-ROUTER',
  presentationContexts: [{ abstractSyntax: CT_IMAGE_STORAGE, transferSyntaxes: [EXPLICIT_VR_LITTLE_ENDIAN] }],
};

export function openModalityAssociation(port: number): Promise<ClientAssociation> {
  return DicomClient.connect({
    host: '127.0.0.1',
    port,
    connectTimeoutMs: 3000,
    callingAet: 'MODALITY',
    calledAet: 'DICOM-ROUTER',
    dimseTimeoutMs: 30_000,
    implementation: { classUid: '2.25.100030543585475866236183110513822956207', versionName: 'FAULTS' },
    presentationContexts: MODALITY_ASSOCIATION.presentationContexts,
  });
}

/** C-STORE of a generated 64-row CT (`columns` wide) on an open association. */
export function storeCt(association: ClientAssociation, uids: CtUids, columns = 64): Promise<{ status: number; errorComment?: string }> {
  const dataSet = largeCtDataSet(uids, 64, columns).bytes();
  return association.store({ sopClassUid: CT_IMAGE_STORAGE, sopInstanceUid: uids.sopInstanceUid, transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN, dataSet });
}

/** One association, one instance, released. */
export async function storeOnce(port: number, uids: CtUids, columns = 64): Promise<{ status: number; errorComment?: string }> {
  const association = await openModalityAssociation(port);
  try {
    return await storeCt(association, uids, columns);
  } finally {
    await association.release();
  }
}
