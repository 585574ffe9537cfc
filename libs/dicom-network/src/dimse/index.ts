/** DIMSE: command sets, message reassembly and fragmentation (PS3.7, PS3.8 Annex E). */
export { CommandField, commandFieldName, describeCommandField } from './command-field';
export type { CommandFieldName } from './command-field';
export { encodeCommand, decodeCommand } from './command-set';
export { DimseError, DimseDecodeError, DimseProtocolError } from './errors';
export { Priority } from './messages';
export type {
  CCancelRq,
  CEchoRq,
  CEchoRsp,
  CFindRq,
  CFindRsp,
  CStoreRq,
  CStoreRsp,
  DimseCommand,
  PriorityCode,
} from './messages';
export { DimseMessageReader, DEFAULT_DATA_SET_HIGH_WATER_MARK, DEFAULT_MAX_COMMAND_LENGTH } from './message-reader';
export type { DimseMessage, DimseMessageReaderOptions } from './message-reader';
export {
  commandPdvs,
  dataPdvs,
  maxPdvDataLength,
  writeMessage,
  MAX_FRAGMENT_LENGTH,
  PDV_ITEM_OVERHEAD,
} from './message-writer';
export type { PDataSink } from './message-writer';
export { Status, statusCategory } from './status';
export type { StatusCategory } from './status';
