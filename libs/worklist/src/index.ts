/** Modality Worklist (PS3.4 Annex K): items as DICOM JSON, identifiers, PS3.4 C.2.2.2 matching. */
export * from './dicom-json';
export { Tag, SCHEDULED_STEP_RETURN_KEYS, DATE_TIME_PAIRS } from './tags';
export { describeTag, dictionaryVr } from './dictionary';
export { IdentifierError, InvalidItemError } from './errors';
export { encodingOf, responseCharacterSet, type TextEncoding } from './character-set';
export { readDataSet, DEFAULT_MAX_DEPTH, type ReadDataSetOptions } from './dataset-reader';
export { writeDataSet, type WriteDataSetOptions } from './dataset-writer';
export { readWorklistFile } from './part10';
export { buildQuery, type Matcher, type QueryKey, type WorklistQuery } from './query';
export { matchItem, wildcardRegex, type MatchOptions } from './matching';
export { parseDateRange, parseTimeRange, parseDateTimeRange, type Bounds } from './temporal';
export { validateItem, indexOf, type WorklistIndex, type ScheduledStepIndex } from './worklist-item';
export { encodeResponse } from './response';
export { FindStatus, WORKLIST_FINDER, type WorklistFinder, type WorklistFindMessage, type WorklistFindRequest } from './find-port';
export { encodeWire, decodeFindRequest, decodeFindReply, decodeFindControl, type FindRequestWire, type FindReplyWire, type FindControlWire } from './find-wire';
export { generateWorklistItems, todayYyyymmdd, type GenerateOptions } from './demo-items';
