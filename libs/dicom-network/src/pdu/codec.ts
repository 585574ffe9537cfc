/**
 * Bytes of the Upper Layer PDUs (PS3.8 §9.3, Annex D; PS3.7 Annex D.3.3 for the user information
 * sub-items). Encoding trusts the caller and throws RangeError for values the wire cannot carry;
 * decoding trusts nothing the peer declares and throws PduDecodeError with the PS3.8 Table 9-26
 * reason the resulting A-P-ABORT should carry.
 */
import { PduDecodeError } from './errors';
import {
  AbortReason,
  PDU_HEADER_LENGTH,
  PduType,
  PresentationContextResult,
  type AbortPdu,
  type AcceptedPresentationContext,
  type AssociateAcPdu,
  type AssociateRjPdu,
  type AssociateRqPdu,
  type PDataTfPdu,
  type Pdu,
  type PresentationContextResultCode,
  type PresentationDataValue,
  type ProposedPresentationContext,
  type SopClassCommonExtendedNegotiation,
  type UserInformation,
} from './types';

/** PS3.8 §9.3.2-3 and Annex D, PS3.7 Annex D.3.3: item and sub-item types. */
const ItemType = {
  ApplicationContext: 0x10,
  PresentationContextRq: 0x20,
  PresentationContextAc: 0x21,
  AbstractSyntax: 0x30,
  TransferSyntax: 0x40,
  UserInformation: 0x50,
  MaximumLength: 0x51,
  ImplementationClassUid: 0x52,
  AsynchronousOperationsWindow: 0x53,
  RoleSelection: 0x54,
  ImplementationVersionName: 0x55,
  SopClassExtendedNegotiation: 0x56,
  SopClassCommonExtendedNegotiation: 0x57,
  UserIdentityRq: 0x58,
  UserIdentityAc: 0x59,
} as const;

/** PS3.8 Tables 9-11 and 9-17: protocol version, reserved, two AE titles, 32 reserved bytes. */
const ASSOCIATE_FIXED_FIELDS_LENGTH = 2 + 2 + 16 + 16 + 32;
/** PS3.8 §9.3.2: AE title fields are exactly 16 bytes. */
const AE_TITLE_LENGTH = 16;
/** PS3.8 Tables 9-21, 9-24, 9-25, 9-26: A-ASSOCIATE-RJ, A-RELEASE-RQ/RP and A-ABORT carry 4 bytes. */
const FIXED_PDU_BODY_LENGTH = 4;
/** PS3.8 §9.3.5.1: the item length counts the context ID byte and the message control header byte. */
const PDV_MIN_ITEM_LENGTH = 2;
const PDV_ITEM_HEADER_LENGTH = 4;
/** PS3.8 Annex E.2: bit 0 of the message control header marks a command fragment, bit 1 the last one. */
const CONTROL_COMMAND = 0x01;
const CONTROL_LAST = 0x02;
const MAX_ITEM_LENGTH = 0xffff;
const MAX_PDU_LENGTH = 0xffffffff;

const hex2 = (value: number): string => value.toString(16).toUpperCase().padStart(2, '0') + 'H';

// ---------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------

/** Encodes any PDU, header included. */
export function encodePdu(pdu: Pdu): Buffer {
  switch (pdu.type) {
    case 'A-ASSOCIATE-RQ':
      return encodeAssociate(PduType.AssociateRq, pdu, pdu.presentationContexts.map(encodeProposedContext));
    case 'A-ASSOCIATE-AC':
      return encodeAssociate(PduType.AssociateAc, pdu, pdu.presentationContexts.map(encodeAcceptedContext));
    case 'A-ASSOCIATE-RJ':
      // PS3.8 Table 9-21: reserved, result, source, reason/diag.
      return encodeFixedPdu(PduType.AssociateRj, [0, pdu.result, pdu.source, pdu.reason]);
    case 'P-DATA-TF':
      return encodePDataTf(pdu.values);
    case 'A-RELEASE-RQ':
      return encodeFixedPdu(PduType.ReleaseRq, [0, 0, 0, 0]);
    case 'A-RELEASE-RP':
      return encodeFixedPdu(PduType.ReleaseRp, [0, 0, 0, 0]);
    case 'A-ABORT':
      // PS3.8 Table 9-26: reserved, reserved, source, reason/diag.
      return encodeFixedPdu(PduType.Abort, [0, 0, pdu.source, pdu.reason]);
  }
}

/**
 * Encodes a P-DATA-TF PDU for the data path: one allocation, each fragment copied once.
 * PS3.8 §9.3.5: the variable field holds one or more Presentation Data Value items.
 */
export function encodePDataTf(values: readonly PresentationDataValue[]): Buffer {
  if (values.length === 0) {
    throw new RangeError('P-DATA-TF: PS3.8 9.3.5 requires at least one presentation data value');
  }
  let bodyLength = 0;
  for (const value of values) {
    checkContextId(value.contextId, 'P-DATA-TF');
    bodyLength += PDV_ITEM_HEADER_LENGTH + PDV_MIN_ITEM_LENGTH + value.data.length;
  }
  if (bodyLength > MAX_PDU_LENGTH) {
    throw new RangeError(`P-DATA-TF: ${bodyLength} bytes do not fit the 32-bit PDU-length field`);
  }
  // Every byte of the unsafe allocation is written below, so no stale memory leaves the process.
  const out = Buffer.allocUnsafe(PDU_HEADER_LENGTH + bodyLength);
  writePduHeader(out, PduType.PData, bodyLength);
  let offset = PDU_HEADER_LENGTH;
  for (const value of values) {
    out.writeUInt32BE(PDV_MIN_ITEM_LENGTH + value.data.length, offset);
    out[offset + 4] = value.contextId;
    out[offset + 5] = (value.isCommand ? CONTROL_COMMAND : 0) | (value.isLast ? CONTROL_LAST : 0);
    out.set(value.data, offset + 6);
    offset += PDV_ITEM_HEADER_LENGTH + PDV_MIN_ITEM_LENGTH + value.data.length;
  }
  return out;
}

function writePduHeader(out: Buffer, type: number, bodyLength: number): void {
  out[0] = type;
  out[1] = 0;
  out.writeUInt32BE(bodyLength, 2);
}

function withPduHeader(type: number, parts: readonly Buffer[]): Buffer {
  const bodyLength = totalLength(parts);
  const header = Buffer.alloc(PDU_HEADER_LENGTH);
  writePduHeader(header, type, bodyLength);
  return Buffer.concat([header, ...parts], PDU_HEADER_LENGTH + bodyLength);
}

function encodeFixedPdu(type: number, fields: readonly number[]): Buffer {
  return withPduHeader(type, [Buffer.from(fields.map((value) => byte(value, `PDU ${hex2(type)} field`)))]);
}

/** PS3.8 Tables 9-11 and 9-17: the A-ASSOCIATE-AC repeats the RQ's AE titles in the same fields. */
function encodeAssociate(
  type: number,
  pdu: AssociateRqPdu | AssociateAcPdu,
  presentationContexts: readonly Buffer[],
): Buffer {
  const fixed = Buffer.alloc(ASSOCIATE_FIXED_FIELDS_LENGTH);
  fixed.writeUInt16BE(uint(pdu.protocolVersion, 0xffff, 'protocol-version'), 0);
  aeTitleField(pdu.calledAeTitle, 'called AE title').copy(fixed, 4);
  aeTitleField(pdu.callingAeTitle, 'calling AE title').copy(fixed, 4 + AE_TITLE_LENGTH);
  return withPduHeader(type, [
    fixed,
    item(ItemType.ApplicationContext, uidField(pdu.applicationContextName, 'application context name')),
    ...presentationContexts,
    encodeUserInformation(pdu.userInformation),
  ]);
}

/** PS3.8 §9.3.2.2: context ID, three reserved bytes, one abstract syntax, one or more transfer syntaxes. */
function encodeProposedContext(context: ProposedPresentationContext): Buffer {
  checkContextId(context.id, 'presentation context (20H)');
  if (context.transferSyntaxes.length === 0) {
    throw new RangeError(`presentation context ${context.id}: PS3.8 9.3.2.2 requires at least one transfer syntax`);
  }
  return item(
    ItemType.PresentationContextRq,
    Buffer.from([context.id, 0, 0, 0]),
    item(ItemType.AbstractSyntax, uidField(context.abstractSyntax, 'abstract syntax')),
    ...context.transferSyntaxes.map((uid) => item(ItemType.TransferSyntax, uidField(uid, 'transfer syntax'))),
  );
}

/** PS3.8 §9.3.3.2: context ID, reserved, result/reason, reserved, exactly one transfer syntax. */
function encodeAcceptedContext(context: AcceptedPresentationContext): Buffer {
  checkContextId(context.id, 'presentation context (21H)');
  return item(
    ItemType.PresentationContextAc,
    Buffer.from([context.id, 0, byte(context.result, 'result/reason'), 0]),
    item(ItemType.TransferSyntax, uidField(context.transferSyntax, 'transfer syntax')),
  );
}

/**
 * PS3.8 §9.3.2.3 and Annex D, PS3.7 Annex D.3.3. Sub-items go out in ascending item type: the
 * standard attaches no meaning to their order but warns that some older receivers expect it.
 */
function encodeUserInformation(info: UserInformation): Buffer {
  const subItems: Buffer[] = [];
  if (info.maxPduLength !== undefined) {
    subItems.push(item(ItemType.MaximumLength, uint32(info.maxPduLength, 'maximum length received')));
  }
  if (info.implementationClassUid !== undefined) {
    const classUid = uidField(info.implementationClassUid, 'implementation class UID');
    subItems.push(item(ItemType.ImplementationClassUid, classUid));
  }
  if (info.asyncOperationsWindow !== undefined) {
    const { maxOperationsInvoked, maxOperationsPerformed } = info.asyncOperationsWindow;
    subItems.push(
      item(
        ItemType.AsynchronousOperationsWindow,
        uint16(maxOperationsInvoked, 'maximum number operations invoked'),
        uint16(maxOperationsPerformed, 'maximum number operations performed'),
      ),
    );
  }
  for (const role of info.roleSelections ?? []) {
    subItems.push(
      item(
        ItemType.RoleSelection,
        ...lengthPrefixed(uidField(role.sopClassUid, 'role selection SOP class UID')),
        Buffer.from([role.scuRole ? 1 : 0, role.scpRole ? 1 : 0]),
      ),
    );
  }
  if (info.implementationVersionName !== undefined) {
    subItems.push(item(ItemType.ImplementationVersionName, implementationVersionName(info.implementationVersionName)));
  }
  for (const negotiation of info.sopClassExtendedNegotiations ?? []) {
    subItems.push(
      item(
        ItemType.SopClassExtendedNegotiation,
        ...lengthPrefixed(uidField(negotiation.sopClassUid, 'extended negotiation SOP class UID')),
        Buffer.from(negotiation.serviceClassApplicationInformation),
      ),
    );
  }
  for (const negotiation of info.sopClassCommonExtendedNegotiations ?? []) {
    subItems.push(encodeCommonExtendedNegotiation(negotiation));
  }
  if (info.userIdentityRequest !== undefined) {
    const identity = info.userIdentityRequest;
    subItems.push(
      item(
        ItemType.UserIdentityRq,
        Buffer.from([byte(identity.identityType, 'user identity type'), identity.positiveResponseRequested ? 1 : 0]),
        ...lengthPrefixed(Buffer.from(identity.primaryField)),
        ...lengthPrefixed(Buffer.from(identity.secondaryField)),
      ),
    );
  }
  if (info.userIdentityResponse !== undefined) {
    const response = Buffer.from(info.userIdentityResponse.serverResponse);
    subItems.push(item(ItemType.UserIdentityAc, ...lengthPrefixed(response)));
  }
  return item(ItemType.UserInformation, ...subItems);
}

/** PS3.7 Tables D.3-12 and D.3-13: byte 2 is the sub-item version, 00H. */
function encodeCommonExtendedNegotiation(negotiation: SopClassCommonExtendedNegotiation): Buffer {
  const related = negotiation.relatedGeneralSopClassUids.flatMap((uid) =>
    lengthPrefixed(uidField(uid, 'related general SOP class UID')),
  );
  return item(
    ItemType.SopClassCommonExtendedNegotiation,
    ...lengthPrefixed(uidField(negotiation.sopClassUid, 'common extended negotiation SOP class UID')),
    ...lengthPrefixed(uidField(negotiation.serviceClassUid, 'service class UID')),
    ...lengthPrefixed(Buffer.concat(related)),
  );
}

/** PS3.8 §9.3.1: an item is its type, a reserved byte, a 16-bit length and the body. */
function item(type: number, ...parts: Buffer[]): Buffer {
  const length = totalLength(parts);
  if (length > MAX_ITEM_LENGTH) {
    throw new RangeError(`item ${hex2(type)}: ${length} bytes do not fit its 16-bit item-length field`);
  }
  const header = Buffer.alloc(4);
  header[0] = type;
  header.writeUInt16BE(length, 2);
  return Buffer.concat([header, ...parts], 4 + length);
}

function lengthPrefixed(value: Buffer): Buffer[] {
  return [uint16(value.length, 'length'), value];
}

function totalLength(parts: readonly Buffer[]): number {
  return parts.reduce((sum, part) => sum + part.length, 0);
}

/** PS3.8 §9.3.2: 16 characters of the ISO 646 G0 set, space padded; the spaces are not significant. */
function aeTitleField(title: string, field: string): Buffer {
  if (title.length > AE_TITLE_LENGTH) {
    throw new RangeError(`${field} "${title}" is longer than ${AE_TITLE_LENGTH} characters`);
  }
  return g0Text(title.padEnd(AE_TITLE_LENGTH, ' '), field);
}

/**
 * PS3.8 Annex F: no padding before the first or after the last component. Unlike a UI data
 * element (PS3.5 §9.1), a UID in a UL item is never padded to an even length.
 */
function uidField(uid: string, field: string): Buffer {
  return g0Text(uid, field);
}

/** PS3.7 Table D.3-3: 1 to 16 ISO 646 G0 characters. */
function implementationVersionName(name: string): Buffer {
  if (name.length < 1 || name.length > 16) {
    throw new RangeError(`implementation version name "${name}" must be 1 to 16 characters`);
  }
  return g0Text(name, 'implementation version name');
}

/** Printable ISO 646 G0 only: anything else would be silently mangled by a byte-wise encoding. */
function g0Text(value: string, field: string): Buffer {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) {
      throw new RangeError(`${field} "${value}" contains a character outside the ISO 646 G0 set`);
    }
  }
  return Buffer.from(value, 'latin1');
}

function checkContextId(id: number, field: string): void {
  if (!isValidContextId(id)) {
    throw new RangeError(`${field}: presentation context ID ${id} is not an odd integer 1-255 (PS3.8 9.3.2.2)`);
  }
}

function uint(value: number, max: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${field} ${value} is not an integer 0-${max}`);
  }
  return value;
}

function byte(value: number, field: string): number {
  return uint(value, 0xff, field);
}

function uint16(value: number, field: string): Buffer {
  const out = Buffer.alloc(2);
  out.writeUInt16BE(uint(value, 0xffff, field));
  return out;
}

function uint32(value: number, field: string): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(uint(value, MAX_PDU_LENGTH, field));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

/**
 * Decodes one whole PDU, its 6-byte header included. P-DATA-TF fragments are views into `bytes`
 * (the data path copies nothing); every other byte field is copied out.
 */
export function decodePdu(bytes: Buffer): Pdu {
  if (bytes.length < PDU_HEADER_LENGTH) {
    throw invalid(`PDU of ${bytes.length} bytes is shorter than the ${PDU_HEADER_LENGTH}-byte PDU header`);
  }
  const type = bytes[0];
  const decoder = PDU_DECODERS.get(type);
  if (decoder === undefined) {
    throw new PduDecodeError(`unrecognized PDU type ${hex2(type)}`, AbortReason.UnrecognizedPdu);
  }
  const declared = bytes.readUInt32BE(2);
  const present = bytes.length - PDU_HEADER_LENGTH;
  if (declared !== present) {
    throw invalid(`${decoder.name}: PDU-length is ${declared} but ${present} bytes follow the header`);
  }
  return decoder.decode(new Reader(bytes, PDU_HEADER_LENGTH, bytes.length, decoder.name));
}

interface PduDecoder {
  name: string;
  decode(body: Reader): Pdu;
}

const PDU_DECODERS = new Map<number, PduDecoder>([
  [PduType.AssociateRq, { name: 'A-ASSOCIATE-RQ', decode: decodeAssociateRq }],
  [PduType.AssociateAc, { name: 'A-ASSOCIATE-AC', decode: decodeAssociateAc }],
  [PduType.AssociateRj, { name: 'A-ASSOCIATE-RJ', decode: decodeAssociateRj }],
  [PduType.PData, { name: 'P-DATA-TF', decode: decodePDataTf }],
  [PduType.ReleaseRq, { name: 'A-RELEASE-RQ', decode: (body) => decodeEmptyFixed(body, 'A-RELEASE-RQ') }],
  [PduType.ReleaseRp, { name: 'A-RELEASE-RP', decode: (body) => decodeEmptyFixed(body, 'A-RELEASE-RP') }],
  [PduType.Abort, { name: 'A-ABORT', decode: decodeAbort }],
]);

/** A bounded cursor: every read is checked against the end of its enclosing PDU, item or field. */
class Reader {
  constructor(
    private readonly bytes: Buffer,
    private offset: number,
    private readonly end: number,
    readonly where: string,
  ) {}

  get position(): number {
    return this.offset;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  u8(field: string): number {
    this.need(1, field);
    return this.bytes[this.offset++];
  }

  u16(field: string): number {
    this.need(2, field);
    const value = this.bytes.readUInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  u32(field: string): number {
    this.need(4, field);
    const value = this.bytes.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  skip(length: number, field: string): void {
    this.need(length, field);
    this.offset += length;
  }

  /** A view of the next `length` bytes. */
  take(length: number, field: string): Buffer {
    this.need(length, field);
    const view = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return view;
  }

  rest(): Buffer {
    return this.take(this.remaining, 'value');
  }

  /** A reader over the next `length` bytes, which this reader then steps over. */
  sub(length: number, field: string, where: string): Reader {
    this.need(length, field);
    const child = new Reader(this.bytes, this.offset, this.offset + length, where);
    this.offset += length;
    return child;
  }

  /** Fixed structures must fill their declared length exactly: a longer length is a lie too. */
  expectEnd(): void {
    if (this.remaining !== 0) {
      throw invalid(`${this.where}: ${this.remaining} bytes left over after the last field at offset ${this.offset}`);
    }
  }

  private need(length: number, field: string): void {
    if (length > this.remaining) {
      throw invalid(
        `${this.where}: ${field} at offset ${this.offset} needs ${length} bytes but only ${this.remaining} remain`,
      );
    }
  }
}

interface RawItem {
  type: number;
  offset: number;
  body: Reader;
}

/** PS3.8 §9.3.1: items are type, reserved byte, 16-bit length, body; the length is checked first. */
function* items(reader: Reader, container: string): Generator<RawItem> {
  while (reader.remaining > 0) {
    const offset = reader.position;
    const type = reader.u8('item-type');
    reader.skip(1, 'reserved');
    const length = reader.u16('item-length');
    if (length > reader.remaining) {
      throw invalid(
        `${reader.where}: item ${hex2(type)} at offset ${offset} declares item-length ${length}` +
          ` but only ${reader.remaining} bytes remain in the ${container}`,
      );
    }
    const where = `${reader.where} / item ${hex2(type)} at offset ${offset}`;
    yield { type, offset, body: reader.sub(length, 'item body', where) };
  }
}

function decodeAssociateRq(body: Reader): AssociateRqPdu {
  const { PresentationContextRq, PresentationContextAc } = ItemType;
  return {
    type: 'A-ASSOCIATE-RQ',
    ...decodeAssociate(body, PresentationContextRq, PresentationContextAc, decodeProposedContext),
  };
}

function decodeAssociateAc(body: Reader): AssociateAcPdu {
  const { PresentationContextRq, PresentationContextAc } = ItemType;
  return {
    type: 'A-ASSOCIATE-AC',
    ...decodeAssociate(body, PresentationContextAc, PresentationContextRq, decodeAcceptedContext),
  };
}

/** PS3.8 Tables 9-11 and 9-17: the fixed fields, then application context, presentation contexts, user information. */
function decodeAssociate<C>(
  body: Reader,
  contextType: number,
  otherContextType: number,
  decodeContext: (item: RawItem) => C,
): {
  protocolVersion: number;
  calledAeTitle: string;
  callingAeTitle: string;
  applicationContextName: string;
  presentationContexts: C[];
  userInformation: UserInformation;
} {
  // PS3.8 §9.3.2: a receiver tests only bit 0 of the version; that verdict is an A-ASSOCIATE-RJ
  // (reason 2), not an abort, so the value is passed up unchanged.
  const protocolVersion = body.u16('protocol-version');
  body.skip(2, 'reserved');
  const calledAeTitle = aeTitle(body.take(AE_TITLE_LENGTH, 'called AE title'));
  const callingAeTitle = aeTitle(body.take(AE_TITLE_LENGTH, 'calling AE title'));
  body.skip(32, 'reserved');

  let applicationContextName: string | undefined;
  let userInformation: UserInformation | undefined;
  const presentationContexts: C[] = [];
  for (const it of items(body, 'variable field')) {
    switch (it.type) {
      case ItemType.ApplicationContext:
        if (applicationContextName !== undefined) throw duplicate(body.where, it);
        applicationContextName = uid(it.body.rest());
        break;
      case contextType:
        presentationContexts.push(decodeContext(it));
        break;
      case otherContextType:
        throw new PduDecodeError(
          `${body.where}: presentation context item ${hex2(it.type)} at offset ${it.offset}` +
            ' belongs to the other associate PDU',
          AbortReason.UnexpectedPduParameter,
        );
      case ItemType.UserInformation:
        if (userInformation !== undefined) throw duplicate(body.where, it);
        userInformation = decodeUserInformation(it.body);
        break;
      default:
      // PS3.8 §9.3.1: items of unrecognized types shall be ignored and skipped.
    }
  }
  if (applicationContextName === undefined) {
    throw invalid(`${body.where}: no application context item (10H)`);
  }
  if (presentationContexts.length === 0) {
    throw invalid(`${body.where}: no presentation context item; PS3.8 9.3.2/9.3.3 require one or more`);
  }
  return {
    protocolVersion,
    calledAeTitle,
    callingAeTitle,
    applicationContextName,
    presentationContexts,
    // PS3.7 D.3.3 gives each sub-item a default when absent; applying them is negotiation's job.
    userInformation: userInformation ?? {},
  };
}

/** PS3.8 Table 9-13: one abstract syntax sub-item and one or more transfer syntax sub-items. */
function decodeProposedContext(it: RawItem): ProposedPresentationContext {
  const body = it.body;
  const id = contextId(body.u8('presentation-context-ID'), body.where);
  body.skip(3, 'reserved');
  let abstractSyntax: string | undefined;
  const transferSyntaxes: string[] = [];
  for (const sub of items(body, 'presentation context item')) {
    switch (sub.type) {
      case ItemType.AbstractSyntax:
        if (abstractSyntax !== undefined) throw duplicate(body.where, sub);
        abstractSyntax = uid(sub.body.rest());
        break;
      case ItemType.TransferSyntax:
        transferSyntaxes.push(uid(sub.body.rest()));
        break;
      default:
      // PS3.8 §9.3.1: unrecognized sub-items are skipped.
    }
  }
  if (abstractSyntax === undefined) {
    throw invalid(`${body.where}: presentation context ${id} has no abstract syntax sub-item (30H)`);
  }
  if (transferSyntaxes.length === 0) {
    throw invalid(`${body.where}: presentation context ${id} has no transfer syntax sub-item (40H)`);
  }
  return { id, abstractSyntax, transferSyntaxes };
}

/** PS3.8 Table 9-18: context ID, reserved, result/reason, reserved, one transfer syntax sub-item. */
function decodeAcceptedContext(it: RawItem): AcceptedPresentationContext {
  const body = it.body;
  const id = contextId(body.u8('presentation-context-ID'), body.where);
  body.skip(1, 'reserved');
  const result = presentationContextResult(body.u8('result/reason'), body.where);
  body.skip(1, 'reserved');
  let transferSyntax: string | undefined;
  for (const sub of items(body, 'presentation context item')) {
    if (sub.type !== ItemType.TransferSyntax) continue; // PS3.8 §9.3.1: skip unrecognized sub-items.
    if (transferSyntax !== undefined) throw duplicate(body.where, sub);
    transferSyntax = uid(sub.body.rest());
  }
  if (result === PresentationContextResult.Acceptance && !transferSyntax) {
    throw invalid(`${body.where}: accepted presentation context ${id} names no transfer syntax`);
  }
  // PS3.8 Table 9-18: for a rejected context the sub-item is not significant and not tested.
  return { id, result, transferSyntax: transferSyntax ?? '' };
}

function presentationContextResult(value: number, where: string): PresentationContextResultCode {
  if (value > PresentationContextResult.TransferSyntaxesNotSupported) {
    throw invalid(`${where}: result/reason ${value} is not one of 0-4 (PS3.8 Table 9-18)`);
  }
  return value as PresentationContextResultCode;
}

type SubItemDecoder = (body: Reader, info: UserInformation) => void;

/** PS3.8 Annex D.1 and PS3.7 Annex D.3.3: one decoder per user information sub-item type. */
const SUB_ITEM_DECODERS = new Map<number, SubItemDecoder>([
  [ItemType.MaximumLength, decodeMaximumLength],
  [ItemType.ImplementationClassUid, decodeImplementationClassUid],
  [ItemType.AsynchronousOperationsWindow, decodeAsynchronousOperationsWindow],
  [ItemType.RoleSelection, decodeRoleSelection],
  [ItemType.ImplementationVersionName, decodeImplementationVersionName],
  [ItemType.SopClassExtendedNegotiation, decodeSopClassExtendedNegotiation],
  [ItemType.SopClassCommonExtendedNegotiation, decodeSopClassCommonExtendedNegotiation],
  [ItemType.UserIdentityRq, decodeUserIdentityRequest],
  [ItemType.UserIdentityAc, decodeUserIdentityResponse],
]);

/** PS3.8 §9.3.2.3: sub-items may come in any order. */
function decodeUserInformation(body: Reader): UserInformation {
  const info: UserInformation = {};
  for (const sub of items(body, 'user information item')) {
    // PS3.8 Annex D.2 note 2: receivers ignore sub-items defined after their edition of the standard.
    SUB_ITEM_DECODERS.get(sub.type)?.(sub.body, info);
  }
  return info;
}

/** PS3.7 Annex D.3.3 allows only one of these sub-items per PDU. */
function once<K extends keyof UserInformation>(info: UserInformation, key: K, body: Reader): void {
  if (info[key] !== undefined) {
    throw new PduDecodeError(`${body.where}: only one such sub-item is allowed`, AbortReason.UnexpectedPduParameter);
  }
}

/** PS3.8 Table D.1-1: a 4-byte maximum length; item length fixed at 4. */
function decodeMaximumLength(body: Reader, info: UserInformation): void {
  once(info, 'maxPduLength', body);
  info.maxPduLength = body.u32('maximum-length-received');
  body.expectEnd();
}

/** PS3.7 Table D.3-1. */
function decodeImplementationClassUid(body: Reader, info: UserInformation): void {
  once(info, 'implementationClassUid', body);
  info.implementationClassUid = uid(body.rest());
}

/** PS3.7 Table D.3-7: two 16-bit counts; item length fixed at 4. */
function decodeAsynchronousOperationsWindow(body: Reader, info: UserInformation): void {
  once(info, 'asyncOperationsWindow', body);
  const maxOperationsInvoked = body.u16('maximum-number-operations-invoked');
  const maxOperationsPerformed = body.u16('maximum-number-operations-performed');
  body.expectEnd();
  info.asyncOperationsWindow = { maxOperationsInvoked, maxOperationsPerformed };
}

/** PS3.7 Tables D.3-9 and D.3-10: UID-length, SOP class UID, SCU role byte, SCP role byte. */
function decodeRoleSelection(body: Reader, info: UserInformation): void {
  const sopClassUid = uid(lengthPrefixedField(body, 'UID-length', 'SOP-class-uid'));
  const scuRole = roleFlag(body.u8('SCU-role'), body.where);
  const scpRole = roleFlag(body.u8('SCP-role'), body.where);
  body.expectEnd();
  (info.roleSelections ??= []).push({ sopClassUid, scuRole, scpRole });
}

/** PS3.7 Tables D.3-9 and D.3-10: 0 or 1, nothing else. */
function roleFlag(value: number, where: string): boolean {
  if (value > 1) throw invalid(`${where}: role value ${value} is neither 0 nor 1 (PS3.7 Table D.3-9)`);
  return value === 1;
}

/** PS3.7 Table D.3-3: 1 to 16 characters, kept exactly as sent. */
function decodeImplementationVersionName(body: Reader, info: UserInformation): void {
  once(info, 'implementationVersionName', body);
  info.implementationVersionName = body.rest().toString('latin1');
}

/** PS3.7 Table D.3-11: SOP-class-uid-length, SOP class UID, then service class information to the end. */
function decodeSopClassExtendedNegotiation(body: Reader, info: UserInformation): void {
  const sopClassUid = uid(lengthPrefixedField(body, 'SOP-class-uid-length', 'SOP-class-uid'));
  const serviceClassApplicationInformation = Buffer.from(body.rest());
  (info.sopClassExtendedNegotiations ??= []).push({ sopClassUid, serviceClassApplicationInformation });
}

/** PS3.7 Tables D.3-12 and D.3-13; byte 2 is the sub-item version, which was skipped as "reserved". */
function decodeSopClassCommonExtendedNegotiation(body: Reader, info: UserInformation): void {
  const sopClassUid = uid(lengthPrefixedField(body, 'SOP-class-uid-length', 'SOP-class-uid'));
  const serviceClassUid = uid(lengthPrefixedField(body, 'service-class-uid-length', 'service-class-uid'));
  const relatedLength = body.u16('related-general-sop-class-identification-length');
  const related = body.sub(
    relatedLength,
    'related-general-sop-class-identification',
    `${body.where} / related general SOP classes`,
  );
  body.expectEnd();
  const relatedGeneralSopClassUids: string[] = [];
  while (related.remaining > 0) {
    relatedGeneralSopClassUids.push(
      uid(lengthPrefixedField(related, 'related-general-sop-class-uid-length', 'related-general-sop-class-uid')),
    );
  }
  (info.sopClassCommonExtendedNegotiations ??= []).push({ sopClassUid, serviceClassUid, relatedGeneralSopClassUids });
}

/** PS3.7 Table D.3-14: type, positive-response-requested, then two length-prefixed fields. */
function decodeUserIdentityRequest(body: Reader, info: UserInformation): void {
  once(info, 'userIdentityRequest', body);
  const identityType = body.u8('user-identity-type');
  const positiveResponse = body.u8('positive-response-requested');
  if (positiveResponse > 1) {
    throw invalid(`${body.where}: positive-response-requested ${positiveResponse} is neither 0 nor 1`);
  }
  const primaryField = Buffer.from(lengthPrefixedField(body, 'primary-field-length', 'primary-field'));
  const secondaryField = Buffer.from(lengthPrefixedField(body, 'secondary-field-length', 'secondary-field'));
  body.expectEnd();
  info.userIdentityRequest = {
    identityType,
    positiveResponseRequested: positiveResponse === 1,
    primaryField,
    secondaryField,
  };
}

/** PS3.7 Table D.3-15: one length-prefixed server response. */
function decodeUserIdentityResponse(body: Reader, info: UserInformation): void {
  once(info, 'userIdentityResponse', body);
  const serverResponse = Buffer.from(lengthPrefixedField(body, 'server-response-length', 'server-response'));
  body.expectEnd();
  info.userIdentityResponse = { serverResponse };
}

function lengthPrefixedField(body: Reader, lengthField: string, field: string): Buffer {
  return body.take(body.u16(lengthField), field);
}

/** PS3.8 Table 9-21. */
function decodeAssociateRj(body: Reader): AssociateRjPdu {
  expectFixedLength(body);
  body.skip(1, 'reserved');
  const result = body.u8('result');
  const source = body.u8('source');
  return { type: 'A-ASSOCIATE-RJ', result, source, reason: body.u8('reason/diag.') };
}

/** PS3.8 Tables 9-24 and 9-25: four reserved bytes, sent as zero and not tested. */
function decodeEmptyFixed(body: Reader, type: 'A-RELEASE-RQ' | 'A-RELEASE-RP'): Pdu {
  expectFixedLength(body);
  return { type };
}

/** PS3.8 Table 9-26. */
function decodeAbort(body: Reader): AbortPdu {
  expectFixedLength(body);
  body.skip(2, 'reserved');
  return { type: 'A-ABORT', source: body.u8('source'), reason: body.u8('reason/diag.') };
}

function expectFixedLength(body: Reader): void {
  if (body.remaining !== FIXED_PDU_BODY_LENGTH) {
    throw invalid(`${body.where}: PDU-length is ${body.remaining}; PS3.8 fixes it at ${FIXED_PDU_BODY_LENGTH}`);
  }
}

/** PS3.8 §9.3.5 over a contiguous PDU (decodePdu); the framer's path is decodePDataTfPieces. */
function decodePDataTf(body: Reader): PDataTfPdu {
  const position = body.position;
  return decodePresentationDataValues(new PieceCursor([body.rest()], body.where, position));
}

/**
 * Decodes a P-DATA-TF, its 6-byte header included, that arrived in several pieces (the views of
 * the TCP reads it spans) without joining them. A PDV whose data spans pieces comes back as
 * consecutive values of the same context and kind, only the last marked last: the DIMSE layer
 * joins PDV data in order anyway (PS3.8 Annex E.1), so a received data set is never copied.
 */
export function decodePDataTfPieces(pieces: readonly Buffer[]): PDataTfPdu {
  const cursor = new PieceCursor(pieces, 'P-DATA-TF');
  const type = cursor.u8('PDU-type');
  cursor.u8('reserved');
  const declared = cursor.u32('PDU-length');
  if (type !== PduType.PData || declared !== cursor.remaining) {
    throw invalid(`P-DATA-TF: PDU-type ${hex2(type)}, PDU-length ${declared}, but ${cursor.remaining} bytes follow the header`);
  }
  return decodePresentationDataValues(cursor);
}

/** PS3.8 §9.3.5: one or more PDV items, each a 32-bit item length, a context ID and the PDV. */
function decodePresentationDataValues(body: PieceCursor): PDataTfPdu {
  if (body.remaining === 0) {
    throw invalid(`${body.where}: no presentation-data-value item; PS3.8 9.3.5 requires one or more`);
  }
  const values: PresentationDataValue[] = [];
  while (body.remaining > 0) {
    const offset = body.position;
    const length = body.u32('PDV item-length');
    if (length < PDV_MIN_ITEM_LENGTH) {
      throw invalid(
        `${body.where}: PDV item at offset ${offset} has item-length ${length};` +
          ' it must count at least the context ID and the message control header',
      );
    }
    if (length > body.remaining) {
      throw invalid(
        `${body.where}: PDV item at offset ${offset} declares item-length ${length}` +
          ` but only ${body.remaining} bytes remain`,
      );
    }
    const id = contextId(body.u8('presentation-context-ID'), `${body.where} / PDV item at offset ${offset}`);
    // PS3.8 Annex E.2: bits 2-7 are never checked by the receiver.
    const control = body.u8('message control header');
    const isCommand = (control & CONTROL_COMMAND) !== 0;
    const views = body.views(length - PDV_MIN_ITEM_LENGTH);
    views.forEach((data, i) => {
      const isLast = i === views.length - 1 && (control & CONTROL_LAST) !== 0;
      values.push({ contextId: id, isCommand, isLast, data });
    });
  }
  return { type: 'P-DATA-TF', values };
}

/** A bounded cursor over bytes held in pieces; positions count from the first piece's start. */
class PieceCursor {
  private piece = 0;
  private offset = 0;
  private consumed = 0;
  private readonly end: number;

  /** `base`: the position of the first piece's first byte in the enclosing PDU, for messages. */
  constructor(
    private readonly pieces: readonly Buffer[],
    readonly where: string,
    private readonly base = 0,
  ) {
    this.end = pieces.reduce((sum, piece) => sum + piece.length, 0);
    this.settle();
  }

  get position(): number {
    return this.base + this.consumed;
  }

  get remaining(): number {
    return this.end - this.consumed;
  }

  u8(field: string): number {
    this.need(1, field);
    const value = this.pieces[this.piece][this.offset];
    this.advance(1);
    return value;
  }

  /** Big-endian, byte by byte: the four bytes may straddle two pieces. */
  u32(field: string): number {
    this.need(4, field);
    let value = 0;
    for (let i = 0; i < 4; i++) {
      value = value * 256 + this.pieces[this.piece][this.offset];
      this.advance(1);
    }
    return value;
  }

  /** The next `length` bytes as views, one per piece they touch; one empty view for length 0. */
  views(length: number): Buffer[] {
    this.need(length, 'presentation-data-value');
    if (length === 0) return [Buffer.alloc(0)];
    const out: Buffer[] = [];
    let left = length;
    while (left > 0) {
      const current = this.pieces[this.piece];
      const n = Math.min(left, current.length - this.offset);
      out.push(current.subarray(this.offset, this.offset + n));
      this.advance(n);
      left -= n;
    }
    return out;
  }

  private advance(n: number): void {
    this.offset += n;
    this.consumed += n;
    this.settle();
  }

  /** Steps past exhausted pieces, so that `offset` always points into a byte of the current one. */
  private settle(): void {
    while (this.piece < this.pieces.length - 1 && this.offset >= this.pieces[this.piece].length) {
      this.offset -= this.pieces[this.piece].length;
      this.piece++;
    }
  }

  private need(length: number, field: string): void {
    if (length > this.remaining) {
      throw invalid(
        `${this.where}: ${field} at offset ${this.position} needs ${length} bytes but only ${this.remaining} remain`,
      );
    }
  }
}

function isValidContextId(id: number): boolean {
  return Number.isInteger(id) && id >= 1 && id <= 255 && id % 2 === 1;
}

/** PS3.8 Tables 9-13, 9-18, 9-23: presentation context IDs are odd integers 1-255. */
function contextId(id: number, where: string): number {
  if (!isValidContextId(id)) {
    throw invalid(`${where}: presentation context ID ${id} is not an odd integer 1-255`);
  }
  return id;
}

/** PS3.8 §9.3.2: leading and trailing spaces of an AE title are not significant. */
function aeTitle(field: Buffer): string {
  return field.toString('latin1').replace(/^ +| +$/g, '');
}

/**
 * PS3.8 Annex F forbids padding, but some implementations pad UIDs to an even length with a NUL as
 * they would in a data element (PS3.5 §9.1); dropping it keeps UID comparisons exact.
 */
function uid(field: Buffer): string {
  let end = field.length;
  while (end > 0 && field[end - 1] === 0) end--;
  return field.toString('latin1', 0, end);
}

function duplicate(where: string, it: RawItem): PduDecodeError {
  return new PduDecodeError(
    `${where}: second item ${hex2(it.type)} at offset ${it.offset}; only one is allowed`,
    AbortReason.UnexpectedPduParameter,
  );
}

function invalid(message: string): PduDecodeError {
  return new PduDecodeError(message, AbortReason.InvalidPduParameterValue);
}
