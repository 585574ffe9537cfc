/**
 * Command set codec. PS3.7 §6.3.1: a command set is always encoded in Implicit VR Little Endian,
 * whatever transfer syntax the presentation context negotiated, with its elements in ascending tag
 * order, each at most once, starting with Command Group Length (0000,0000).
 *
 * Encoding writes the dozen elements directly (the VR of each from PS3.7 Annex E, checked against
 * dcmjs's data dictionary in the spec; UI values padded with NUL, AE and LO with space, PS3.5 §6.2).
 * dcmjs's general writer cost about 0.2 ms per command set, most of a C-ECHO round trip, so the
 * one-per-message path does not go through it. Decoding is a small reader of our own: it must
 * survive hostile input, never trusting a length beyond the bytes it was given.
 */
import { CommandField, commandFieldName, describeCommandField, hex4 } from './command-field';
import {
  COMMAND_ELEMENT_VR,
  CommandElement,
  CommandVr,
  CommandElementName,
  DATA_SET_PRESENT,
  NO_DATA_SET,
  describeElement,
} from './command-elements';
import { DimseDecodeError } from './errors';
import { CEchoRsp, CFindRsp, CStoreRsp, DimseCommand, Priority, PriorityCode } from './messages';

/** PS3.5 §7.1.1: an undefined length has no place in a command set, which holds no sequences. */
const UNDEFINED_LENGTH = 0xffffffff;
/** PS3.5 §6.2: UI is at most 64 characters. */
const MAX_UID_LENGTH = 64;
/** PS3.5 §6.2: AE is at most 16 characters. */
const MAX_AE_LENGTH = 16;
/** PS3.5 §6.2: LO is at most 64 characters. */
const MAX_LO_LENGTH = 64;

type Values = Array<string | number>;

// ---------------------------------------------------------------------------------------------
// Encoding

/** The command set of `cmd`, ready to be fragmented into command PDVs. */
export function encodeCommand(cmd: DimseCommand): Buffer {
  const fields = new Map<CommandElementName, Values>();
  const put = (name: CommandElementName, values: Values | undefined): void => {
    if (values !== undefined) fields.set(name, values);
  };

  put('CommandField', [CommandField[cmd.commandField]]);
  switch (cmd.commandField) {
    case 'C-ECHO-RQ':
      put('AffectedSopClassUid', uid(cmd.affectedSopClassUid, 'AffectedSopClassUid'));
      put('MessageId', us(cmd.messageId, 'MessageId'));
      break;
    case 'C-STORE-RQ':
      put('AffectedSopClassUid', uid(cmd.affectedSopClassUid, 'AffectedSopClassUid'));
      put('MessageId', us(cmd.messageId, 'MessageId'));
      put('Priority', us(cmd.priority, 'Priority'));
      put('AffectedSopInstanceUid', uid(cmd.affectedSopInstanceUid, 'AffectedSopInstanceUid'));
      put('MoveOriginatorApplicationEntityTitle', optional(cmd.moveOriginatorApplicationEntityTitle, ae));
      put('MoveOriginatorMessageId', optional(cmd.moveOriginatorMessageId, (v) => us(v, 'MoveOriginatorMessageId')));
      break;
    case 'C-FIND-RQ':
      put('AffectedSopClassUid', uid(cmd.affectedSopClassUid, 'AffectedSopClassUid'));
      put('MessageId', us(cmd.messageId, 'MessageId'));
      put('Priority', us(cmd.priority, 'Priority'));
      break;
    case 'C-CANCEL-RQ':
      put('MessageIdBeingRespondedTo', us(cmd.messageIdBeingRespondedTo, 'MessageIdBeingRespondedTo'));
      break;
    case 'C-STORE-RSP':
      putResponse(cmd, put);
      put('AffectedSopInstanceUid', optional(cmd.affectedSopInstanceUid, (v) => uid(v, 'AffectedSopInstanceUid')));
      break;
    case 'C-ECHO-RSP':
    case 'C-FIND-RSP':
      putResponse(cmd, put);
      break;
  }
  put('CommandDataSetType', [cmd.hasDataSet ? DATA_SET_PRESENT : NO_DATA_SET]);

  const elements = [...fields].map(([name, values]) => encodeElement(CommandElement[name], COMMAND_ELEMENT_VR[name], values));
  elements.sort((a, b) => a.element - b.element);
  const body = Buffer.concat(elements.map((e) => e.bytes));
  // PS3.7 §9.3 tables: Command Group Length is "the even number of bytes from the end of the
  // value field to the beginning of the next group", i.e. the length of everything after it.
  const groupLength = encodeElement(CommandElement.CommandGroupLength, 'UL', [body.length]);
  return Buffer.concat([groupLength.bytes, body]);
}

/**
 * One group-0000 element in Implicit VR Little Endian (PS3.5 §7.1.3): tag, 32-bit length, value
 * padded to even length (PS3.5 §6.2: UI with NUL, text with space).
 */
function encodeElement(element: number, vr: CommandVr, values: Values): { element: number; bytes: Buffer } {
  const value = encodeValue(vr, values);
  const bytes = Buffer.allocUnsafe(8 + value.length);
  bytes.writeUInt16LE(0x0000, 0);
  bytes.writeUInt16LE(element, 2);
  bytes.writeUInt32LE(value.length, 4);
  value.copy(bytes, 8);
  return { element, bytes };
}

function encodeValue(vr: CommandVr, values: Values): Buffer {
  switch (vr) {
    case 'US': {
      const b = Buffer.allocUnsafe(2 * values.length);
      values.forEach((v, i) => b.writeUInt16LE(Number(v), 2 * i));
      return b;
    }
    case 'UL': {
      const b = Buffer.allocUnsafe(4 * values.length);
      values.forEach((v, i) => b.writeUInt32LE(Number(v), 4 * i));
      return b;
    }
    case 'AT': {
      // PS3.5 §6.2 AT: group then element, each a 16-bit little-endian value.
      const b = Buffer.allocUnsafe(4 * values.length);
      values.forEach((v, i) => {
        b.writeUInt16LE((Number(v) >>> 16) & 0xffff, 4 * i);
        b.writeUInt16LE(Number(v) & 0xffff, 4 * i + 2);
      });
      return b;
    }
    case 'UI':
      return padEven(values.join('\\'), '\0');
    case 'AE':
    case 'LO':
      return padEven(values.join('\\'), ' ');
  }
}

function padEven(text: string, pad: string): Buffer {
  return Buffer.from(text.length % 2 === 0 ? text : text + pad, 'latin1');
}

/** The fields every response shares (PS3.7 Tables 9.3-2, 9.3-4, 9.3-13 and Annex C). */
function putResponse(
  cmd: CEchoRsp | CStoreRsp | CFindRsp,
  put: (name: CommandElementName, values: Values | undefined) => void,
): void {
  put('AffectedSopClassUid', optional(cmd.affectedSopClassUid, (v) => uid(v, 'AffectedSopClassUid')));
  put('MessageIdBeingRespondedTo', us(cmd.messageIdBeingRespondedTo, 'MessageIdBeingRespondedTo'));
  put('Status', us(cmd.status, 'Status'));
  put('OffendingElement', optional(cmd.offendingElement, tags));
  put('ErrorComment', optional(cmd.errorComment, errorComment));
  put('ErrorId', optional(cmd.errorId, (v) => us(v, 'ErrorId')));
}

function optional<T>(value: T | undefined, encode: (value: T) => Values | undefined): Values | undefined {
  return value === undefined ? undefined : encode(value);
}

function us(value: number, name: CommandElementName): Values {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff) {
    throw new RangeError(`${describeElement(name)} must be an unsigned 16-bit integer, got ${value}`);
  }
  return [value];
}

/**
 * PS3.5 §9.1: digits and dots, at most 64 characters. Leading zeros in a component are not
 * refused, so that a response can echo the UID a sloppy peer sent.
 */
function uid(value: string, name: CommandElementName): Values {
  if (value.length === 0 || value.length > MAX_UID_LENGTH || !/^[0-9.]+$/.test(value)) {
    // docs/architecture.md §5: an invalid identifier is never echoed into a log line or error.
    throw new RangeError(`${describeElement(name)} is not a UID (${value.length} characters, digits and dots required)`);
  }
  return [value];
}

/** PS3.5 §6.2 AE: 1-16 characters of the default repertoire, no backslash, not all spaces. */
function ae(value: string): Values {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_AE_LENGTH || !/^[\x20-\x5b\x5d-\x7e]+$/.test(trimmed)) {
    const name = describeElement('MoveOriginatorApplicationEntityTitle');
    throw new RangeError(`${name} is not an AE title: ${JSON.stringify(value)}`);
  }
  return [trimmed];
}

function tags(values: number[]): Values | undefined {
  for (const tag of values) {
    if (!Number.isInteger(tag) || tag < 0 || tag > 0xffffffff) {
      throw new RangeError(`${describeElement('OffendingElement')} holds a value that is not a tag: ${tag}`);
    }
  }
  return values.length === 0 ? undefined : values;
}

/**
 * Error comments are often built from exception messages: rather than refuse one, keep what LO can
 * carry. No Specific Character Set applies to a command set, so only the default repertoire
 * (PS3.5 §6.1.2.1) is safe; a backslash would split the value in two (PS3.5 §6.4).
 */
function errorComment(value: string): Values | undefined {
  const text = value.replace(/[^\x20-\x5b\x5d-\x7e]/g, '?').trim().slice(0, MAX_LO_LENGTH).trimEnd();
  return text.length === 0 ? undefined : [text];
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** Reads a complete command set (all command fragments of one message, concatenated). */
export function decodeCommand(bytes: Uint8Array): DimseCommand {
  const fields = new CommandFields(readElements(bytes));
  const code = fields.us('CommandField');
  if (code === undefined) throw new DimseDecodeError(`command set lacks ${describeElement('CommandField')}`);
  const commandField = commandFieldName(code);
  if (commandField === undefined) throw new DimseDecodeError(`unsupported command ${describeCommandField(code)}`);

  const required = <T>(name: CommandElementName, value: T | undefined): T => {
    if (value === undefined) throw new DimseDecodeError(`${commandField} lacks ${describeElement(name)}`);
    return value;
  };
  const hasDataSet = required('CommandDataSetType', fields.us('CommandDataSetType')) !== NO_DATA_SET;

  switch (commandField) {
    case 'C-ECHO-RQ':
      return {
        commandField,
        messageId: required('MessageId', fields.us('MessageId')),
        affectedSopClassUid: required('AffectedSopClassUid', fields.uid('AffectedSopClassUid')),
        hasDataSet,
      };
    case 'C-STORE-RQ':
      return {
        commandField,
        messageId: required('MessageId', fields.us('MessageId')),
        affectedSopClassUid: required('AffectedSopClassUid', fields.uid('AffectedSopClassUid')),
        affectedSopInstanceUid: required('AffectedSopInstanceUid', fields.uid('AffectedSopInstanceUid')),
        priority: required('Priority', fields.priority()),
        ...present('moveOriginatorApplicationEntityTitle', fields.text('MoveOriginatorApplicationEntityTitle')),
        ...present('moveOriginatorMessageId', fields.us('MoveOriginatorMessageId')),
        hasDataSet,
      };
    case 'C-FIND-RQ':
      return {
        commandField,
        messageId: required('MessageId', fields.us('MessageId')),
        affectedSopClassUid: required('AffectedSopClassUid', fields.uid('AffectedSopClassUid')),
        priority: required('Priority', fields.priority()),
        hasDataSet,
      };
    case 'C-CANCEL-RQ':
      return {
        commandField,
        messageIdBeingRespondedTo: required('MessageIdBeingRespondedTo', fields.us('MessageIdBeingRespondedTo')),
        hasDataSet,
      };
    case 'C-STORE-RSP':
    case 'C-ECHO-RSP':
    case 'C-FIND-RSP': {
      const storeOnly = commandField === 'C-STORE-RSP';
      return {
        commandField,
        messageIdBeingRespondedTo: required('MessageIdBeingRespondedTo', fields.us('MessageIdBeingRespondedTo')),
        status: required('Status', fields.us('Status')),
        ...present('affectedSopClassUid', fields.uid('AffectedSopClassUid')),
        ...(storeOnly ? present('affectedSopInstanceUid', fields.uid('AffectedSopInstanceUid')) : {}),
        ...present('offendingElement', fields.tags('OffendingElement')),
        ...present('errorComment', fields.text('ErrorComment')),
        ...present('errorId', fields.us('ErrorId')),
        hasDataSet,
      };
    }
  }
}

/** `{ key: value }` when the value is there, `{}` otherwise: absent fields stay absent keys. */
function present<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * Splits a command set into its group-0000 element values (views into `bytes`, no copy).
 * Elements of other groups are forbidden by PS3.7 §6.3.1 but carry no meaning here: they are
 * skipped, as are command elements this stack does not use. Command Group Length is not needed
 * to find the end (the last command fragment marks it) and is not trusted.
 */
function readElements(bytes: Uint8Array): Map<number, Buffer> {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const elements = new Map<number, Buffer>();
  let offset = 0;
  while (offset < buffer.length) {
    // PS3.5 §7.1.3: tag (group, element) and a 32-bit value length, all little endian.
    if (buffer.length - offset < 8) {
      throw new DimseDecodeError(`command set ends inside an element header at byte ${offset} of ${buffer.length}`);
    }
    const group = buffer.readUInt16LE(offset);
    const element = buffer.readUInt16LE(offset + 2);
    const length = buffer.readUInt32LE(offset + 4);
    const tag = (): string => `(${hex4(group)},${hex4(element)})`;
    if (length === UNDEFINED_LENGTH) {
      throw new DimseDecodeError(`${tag()} has an undefined length, which a command set cannot hold`);
    }
    const start = offset + 8;
    if (length > buffer.length - start) {
      throw new DimseDecodeError(
        `${tag()} claims ${length} bytes at byte ${start} but the command set has ${buffer.length - start} left`,
      );
    }
    if (group === 0x0000) {
      if (elements.has(element)) throw new DimseDecodeError(`${tag()} occurs twice (PS3.7 §6.3.1 allows one)`);
      elements.set(element, buffer.subarray(start, start + length));
    }
    offset = start + length;
  }
  return elements;
}

/** Typed access to element values; a value of the wrong size is an error, an empty one is absent. */
class CommandFields {
  constructor(private readonly elements: Map<number, Buffer>) {}

  us(name: CommandElementName): number | undefined {
    const value = this.value(name);
    if (value === undefined) return undefined;
    if (value.length !== 2) throw this.sizeError(name, value.length, '2');
    return value.readUInt16LE(0);
  }

  /** Trailing NUL padding (PS3.5 §6.2) and the spaces some peers pad with are not part of a UID. */
  uid(name: CommandElementName): string | undefined {
    const value = this.value(name);
    return value === undefined ? undefined : nonEmpty(value.toString('latin1').replace(/[\0 ]+$/, ''));
  }

  /** AE and LO: leading and trailing spaces are not significant (PS3.5 §6.2). */
  text(name: CommandElementName): string | undefined {
    const value = this.value(name);
    return value === undefined ? undefined : nonEmpty(value.toString('latin1').replace(/\0+$/, '').trim());
  }

  /** AT: pairs of 16-bit group and element numbers (PS3.5 §6.2), VM 1-n. */
  tags(name: CommandElementName): number[] | undefined {
    const value = this.value(name);
    if (value === undefined) return undefined;
    if (value.length % 4 !== 0) throw this.sizeError(name, value.length, 'a multiple of 4');
    const result: number[] = [];
    for (let i = 0; i < value.length; i += 4) {
      result.push(value.readUInt16LE(i) * 0x10000 + value.readUInt16LE(i + 2));
    }
    return result;
  }

  priority(): PriorityCode | undefined {
    const value = this.us('Priority');
    if (value === undefined) return undefined;
    if (value !== Priority.Low && value !== Priority.Medium && value !== Priority.High) {
      throw new DimseDecodeError(`${describeElement('Priority')} is ${hex4(value)}H, not 0000H, 0001H or 0002H`);
    }
    return value;
  }

  private value(name: CommandElementName): Buffer | undefined {
    const value = this.elements.get(CommandElement[name]);
    return value === undefined || value.length === 0 ? undefined : value;
  }

  private sizeError(name: CommandElementName, actual: number, expected: string): DimseDecodeError {
    return new DimseDecodeError(`${describeElement(name)} has ${actual} bytes, expected ${expected}`);
  }
}

function nonEmpty(value: string): string | undefined {
  return value.length === 0 ? undefined : value;
}
