/** Input that is not a DICOM Part-10 file (PS3.10 §7.1); `reason` says which check failed. */
export class NotPart10Error extends Error {
  override readonly name = 'NotPart10Error';

  constructor(readonly reason: string) {
    super(`not a DICOM Part-10 file: ${reason}`);
  }
}

/** File Meta Information that cannot be written as given; `problems` lists every bad field at once. */
export class InvalidFileMetaError extends Error {
  override readonly name = 'InvalidFileMetaError';

  constructor(readonly problems: readonly string[]) {
    super(`invalid File Meta Information: ${problems.join('; ')}`);
  }
}
