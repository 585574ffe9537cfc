export { uidProblem, isValidUid, MAX_UID_LENGTH } from './uid';
export { NotPart10Error, InvalidFileMetaError } from './errors';
export {
  buildFileMetaInformation,
  readFileMetaInformation,
  MAX_FILE_META_LENGTH,
  type FileMetaFields,
  type FileMetaInformation,
} from './file-meta';
export { readPart10Header, type Part10Header } from './part10-stream';
export { TransferSyntaxUid, dataSetEncoding, type DataSetEncoding } from './transfer-syntax';
export {
  LeadingAttributesReader,
  LeadingAttributes,
  DEFAULT_MAX_LEADING_BYTES,
  type LeadingElement,
  type LeadingAttributesOptions,
  type LeadingAttributesJson,
} from './leading-attributes';
export { dictionaryVr, listedVr, tagLabel, tagOfKeyword, keywordOfTag } from './dictionary';
