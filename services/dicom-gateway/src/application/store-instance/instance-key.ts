import { uidProblem } from '@dicom-router/dicom-data';

/**
 * Object key layout in the StorageLocation (documented in the service README):
 *
 *   studies/<StudyInstanceUID>/series/<SeriesInstanceUID>/instances/<SOPInstanceUID>.dcm
 *
 * Every component is a UID validated per PS3.5 §9.1 (digits and dots only), so a peer can never
 * choose a path. A data set without a valid Study or Series Instance UID is filed under the fixed
 * name `unknown` so that it is still kept, and found by its SOP Instance UID.
 */
export function instanceKey(uids: { studyInstanceUid?: string; seriesInstanceUid?: string; sopInstanceUid: string }): string {
  const problem = uidProblem(uids.sopInstanceUid);
  if (problem) throw new Error(`SOP Instance UID cannot form a key: ${problem}`);
  const component = (uid: string | undefined): string => (uid && !uidProblem(uid) ? uid : 'unknown');
  return `studies/${component(uids.studyInstanceUid)}/series/${component(uids.seriesInstanceUid)}/instances/${uids.sopInstanceUid}.dcm`;
}
