/** Transfer syntaxes whose encoding rules differ from Explicit VR Little Endian (PS3.5 §10, Annex A). */
export const TransferSyntaxUid = {
  /** PS3.5 §A.1: the default transfer syntax, VR taken from the data dictionary. */
  ImplicitVrLittleEndian: '1.2.840.10008.1.2',
  /** PS3.5 §A.2. */
  ExplicitVrLittleEndian: '1.2.840.10008.1.2.1',
  /** PS3.5 §A.5: the whole data set after the File Meta Information is deflated (RFC 1951, no zlib header). */
  DeflatedExplicitVrLittleEndian: '1.2.840.10008.1.2.1.99',
  /** PS3.5 §A.3 (retired, still sent by older modalities): tags, lengths and binary values big endian. */
  ExplicitVrBigEndian: '1.2.840.10008.1.2.2',
  /** PS3.5 §A.7: JPIP Referenced Deflate, a deflated data set like §A.5. */
  JpipReferencedDeflate: '1.2.840.10008.1.2.4.95',
} as const;

/** How the bytes of a data set are laid out. */
export interface DataSetEncoding {
  explicitVr: boolean;
  littleEndian: boolean;
  /** The data set is a raw deflate stream (PS3.5 §A.5, §A.7). */
  deflated: boolean;
}

const IMPLICIT_LE: DataSetEncoding = { explicitVr: false, littleEndian: true, deflated: false };
const EXPLICIT_LE: DataSetEncoding = { explicitVr: true, littleEndian: true, deflated: false };
const EXPLICIT_BE: DataSetEncoding = { explicitVr: true, littleEndian: false, deflated: false };
const DEFLATED_LE: DataSetEncoding = { explicitVr: true, littleEndian: true, deflated: true };

/**
 * The encoding of a data set in `transferSyntaxUid`. Every transfer syntax not named here (JPEG,
 * JPEG-LS, JPEG 2000, RLE, MPEG, HTJ2K, private ones) encodes its data set in Explicit VR Little
 * Endian and differs only inside encapsulated Pixel Data (PS3.5 §10, §A.4).
 */
export function dataSetEncoding(transferSyntaxUid: string): DataSetEncoding {
  switch (transferSyntaxUid) {
    case TransferSyntaxUid.ImplicitVrLittleEndian:
      return IMPLICIT_LE;
    case TransferSyntaxUid.ExplicitVrBigEndian:
      return EXPLICIT_BE;
    case TransferSyntaxUid.DeflatedExplicitVrLittleEndian:
    case TransferSyntaxUid.JpipReferencedDeflate:
      return DEFLATED_LE;
    default:
      return EXPLICIT_LE;
  }
}
