import type { InstanceStoredV1 } from '@dicom-router/contracts';

const UID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Checks the fields of an instance.stored.v1 payload the queue relies on (docs/architecture.md §5: UIDs are
 * validated before any use in a key, SQL or log line). Returns the problems, empty when usable.
 */
export function problemsOfStoredEvent(data: unknown): string[] {
  if (typeof data !== 'object' || data === null) return ['data is not an object'];
  const d = data as Partial<InstanceStoredV1>;
  const problems: string[] = [];
  const uid = (name: keyof InstanceStoredV1) => {
    const value = d[name];
    if (typeof value !== 'string' || value.length > 64 || !UID.test(value)) problems.push(`${name} is not a UID`);
  };
  uid('sopInstanceUid');
  uid('sopClassUid');
  uid('transferSyntaxUid');
  if (typeof d.source !== 'string' || !(d.source === 'association' || d.source.startsWith('file-intake:'))) problems.push('source is not "association" or "file-intake:<name>"');
  if (d.source === 'association' && (typeof d.associationId !== 'string' || !/^[A-Za-z0-9._:-]{1,128}$/.test(d.associationId))) {
    problems.push('associationId is missing or not an id');
  }
  const storage = d.storage;
  if (typeof storage !== 'object' || storage === null) problems.push('storage is missing');
  else {
    if (typeof storage.key !== 'string' || storage.key.length === 0 || storage.key.length > 1024) problems.push('storage.key is missing');
    if (typeof storage.sha256 !== 'string' || !SHA256.test(storage.sha256)) problems.push('storage.sha256 is not a hex SHA-256');
  }
  if (d.attributes !== undefined && (typeof d.attributes !== 'object' || d.attributes === null)) problems.push('attributes is not an object');
  return problems;
}
