/**
 * Byte builders for DICOM Upper Layer PDUs (PS3.8 §9.3) and a minimal DIMSE command set (PS3.7 §9.3),
 * written straight from the standard's tables for hostile-peer tests. Deliberately independent of
 * the product's codec: a shared misreading of the standard would otherwise pass unnoticed.
 * All multi-byte integers in PDUs are big endian (PS3.8 §9.3.1); DIMSE commands are Implicit VR Little Endian.
 */

/** PS3.8 Table 9-1 ff.: the PDU-type byte. */
export const PduType = {
  AssociateRq: 0x01,
  AssociateAc: 0x02,
  AssociateRj: 0x03,
  PData: 0x04,
  ReleaseRq: 0x05,
  ReleaseRp: 0x06,
  Abort: 0x07,
} as const;

export const PDU_TYPE_NAMES: Readonly<Record<number, string>> = {
  0x01: 'A-ASSOCIATE-RQ',
  0x02: 'A-ASSOCIATE-AC',
  0x03: 'A-ASSOCIATE-RJ',
  0x04: 'P-DATA-TF',
  0x05: 'A-RELEASE-RQ',
  0x06: 'A-RELEASE-RP',
  0x07: 'A-ABORT',
};

/** PS3.8 §9.3.2 item types. */
export const ItemType = {
  ApplicationContext: 0x10,
  PresentationContextRq: 0x20,
  PresentationContextAc: 0x21,
  AbstractSyntax: 0x30,
  TransferSyntax: 0x40,
  UserInformation: 0x50,
  MaximumLength: 0x51,
  ImplementationClassUid: 0x52,
  AsyncOperationsWindow: 0x53,
  RoleSelection: 0x54,
  ImplementationVersionName: 0x55,
  UserIdentity: 0x58,
} as const;

export const APPLICATION_CONTEXT_NAME = '1.2.840.10008.3.1.1.1';
export const VERIFICATION_SOP_CLASS = '1.2.840.10008.1.1';
export const TransferSyntax = {
  ImplicitVrLittleEndian: '1.2.840.10008.1.2',
  ExplicitVrLittleEndian: '1.2.840.10008.1.2.1',
  ExplicitVrBigEndian: '1.2.840.10008.1.2.2',
} as const;

/** A UID under the 2.25 (UUID-derived) root, so it needs no registered organisation root. */
export const RAW_PEER_IMPLEMENTATION_UID = '2.25.174361250962372045326937045236012398113';
export const RAW_PEER_VERSION_NAME = 'RAW_PEER_1';

/** 6-byte PDU header with any type and any declared length (PS3.8 §9.3.1), for malformed inputs too. */
export function pduHeader(type: number, length: number, reserved = 0): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt8(type & 0xff, 0);
  header.writeUInt8(reserved & 0xff, 1);
  header.writeUInt32BE(length >>> 0, 2);
  return header;
}

/** Header plus body with a correct length field. */
export function pdu(type: number, body: Buffer): Buffer {
  return Buffer.concat([pduHeader(type, body.length), body]);
}

/** Variable item or sub-item: type, reserved, 2-byte length, value (PS3.8 §9.3.2.x). */
export function item(type: number, value: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt8(type, 0);
  header.writeUInt16BE(value.length, 2);
  return Buffer.concat([header, value]);
}

/** UIDs in UL items carry no padding (PS3.8 Annex F). */
const uidItem = (type: number, uid: string) => item(type, Buffer.from(uid, 'ascii'));

/** 16-byte AE title field, space padded (PS3.8 Table 9-11). A Buffer is used as is, for malformed titles. */
export function aeTitleField(aet: string | Buffer): Buffer {
  if (Buffer.isBuffer(aet)) return aet;
  if (aet.length > 16) throw new Error(`AE title "${aet}" is longer than 16 characters; pass a Buffer to send it anyway`);
  return Buffer.from(aet.padEnd(16, ' '), 'ascii');
}

export interface ProposedContext {
  /** Odd number 1..255; defaults to 1, 3, 5, ... in order. */
  id?: number;
  abstractSyntax: string;
  transferSyntaxes: readonly string[];
}

export interface AssociateRqOptions {
  callingAet: string | Buffer;
  calledAet: string | Buffer;
  contexts: readonly ProposedContext[];
  /** Maximum Length sub-item value; 0 means unlimited. */
  maxPduLength?: number;
  implementationClassUid?: string;
  /** Omitted when null. */
  implementationVersionName?: string | null;
  protocolVersion?: number;
  applicationContextName?: string;
  /** Extra sub-items appended inside the User Information item (e.g. role selection, user identity). */
  extraUserItems?: readonly Buffer[];
  /** Extra top-level items appended after User Information (unknown items, duplicates...). */
  extraItems?: readonly Buffer[];
}

export function presentationContextRq(id: number, abstractSyntax: string, transferSyntaxes: readonly string[]): Buffer {
  return item(
    ItemType.PresentationContextRq,
    Buffer.concat([
      Buffer.from([id, 0, 0, 0]),
      uidItem(ItemType.AbstractSyntax, abstractSyntax),
      ...transferSyntaxes.map((ts) => uidItem(ItemType.TransferSyntax, ts)),
    ]),
  );
}

export function userInformation(o: Pick<AssociateRqOptions, 'maxPduLength' | 'implementationClassUid' | 'implementationVersionName' | 'extraUserItems'>): Buffer {
  const maxLength = Buffer.alloc(4);
  maxLength.writeUInt32BE(o.maxPduLength ?? 16384);
  const versionName = o.implementationVersionName === undefined ? RAW_PEER_VERSION_NAME : o.implementationVersionName;
  return item(
    ItemType.UserInformation,
    Buffer.concat([
      item(ItemType.MaximumLength, maxLength),
      uidItem(ItemType.ImplementationClassUid, o.implementationClassUid ?? RAW_PEER_IMPLEMENTATION_UID),
      ...(versionName === null ? [] : [item(ItemType.ImplementationVersionName, Buffer.from(versionName, 'ascii'))]),
      ...(o.extraUserItems ?? []),
    ]),
  );
}

/** A-ASSOCIATE-RQ (PS3.8 §9.3.2, Table 9-11). */
export function associateRq(o: AssociateRqOptions): Buffer {
  const fixed = Buffer.alloc(68);
  fixed.writeUInt16BE(o.protocolVersion ?? 1, 0);
  aeTitleField(o.calledAet).copy(fixed, 4, 0, 16);
  aeTitleField(o.callingAet).copy(fixed, 20, 0, 16);
  // bytes 36..67 reserved, zero
  return pdu(
    PduType.AssociateRq,
    Buffer.concat([
      fixed,
      uidItem(ItemType.ApplicationContext, o.applicationContextName ?? APPLICATION_CONTEXT_NAME),
      ...o.contexts.map((c, i) => presentationContextRq(c.id ?? 2 * i + 1, c.abstractSyntax, c.transferSyntaxes)),
      userInformation(o),
      ...(o.extraItems ?? []),
    ]),
  );
}

/** Verification-only association request, the smallest useful one. */
export function echoAssociateRq(callingAet: string, calledAet: string): Buffer {
  return associateRq({
    callingAet,
    calledAet,
    contexts: [{ id: 1, abstractSyntax: VERIFICATION_SOP_CLASS, transferSyntaxes: [TransferSyntax.ImplicitVrLittleEndian] }],
  });
}

/** A-RELEASE-RQ / A-RELEASE-RP: 4 reserved bytes (PS3.8 §9.3.6-7). */
export const releaseRq = (): Buffer => pdu(PduType.ReleaseRq, Buffer.alloc(4));
export const releaseRp = (): Buffer => pdu(PduType.ReleaseRp, Buffer.alloc(4));

/** A-ABORT (PS3.8 §9.3.8): source 0 = service user, 2 = service provider. */
export function abortPdu(source = 0, reason = 0): Buffer {
  return pdu(PduType.Abort, Buffer.from([0, 0, source, reason]));
}

export interface Pdv {
  contextId: number;
  command: boolean;
  last: boolean;
  data: Buffer;
}

/** P-DATA-TF with its PDV items (PS3.8 §9.3.5; message control header in Annex E.2). */
export function pDataTf(pdvs: readonly Pdv[]): Buffer {
  return pdu(
    PduType.PData,
    Buffer.concat(
      pdvs.map((p) => {
        const header = Buffer.alloc(6);
        header.writeUInt32BE(p.data.length + 2, 0);
        header.writeUInt8(p.contextId, 4);
        header.writeUInt8((p.command ? 0x01 : 0) | (p.last ? 0x02 : 0), 5);
        return Buffer.concat([header, p.data]);
      }),
    ),
  );
}

/** One Implicit VR Little Endian element: group, element, 4-byte length, value (padded to even length by the caller). */
export function element(group: number, elementNumber: number, value: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16LE(group, 0);
  header.writeUInt16LE(elementNumber, 2);
  header.writeUInt32LE(value.length, 4);
  return Buffer.concat([header, value]);
}

const us = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
/** UI values are padded to even length with a NUL (PS3.5 §9.1). */
const ui = (uid: string) => Buffer.from(uid.length % 2 ? `${uid}\0` : uid, 'ascii');

/** Command set with its (0000,0000) group length computed. */
export function commandSet(elements: readonly Buffer[]): Buffer {
  const rest = Buffer.concat(elements);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(rest.length);
  return Buffer.concat([element(0x0000, 0x0000, length), rest]);
}

/** C-ECHO-RQ command set (PS3.7 Table 9.3-12). */
export function cEchoRqCommand(messageId = 1): Buffer {
  return commandSet([
    element(0x0000, 0x0002, ui(VERIFICATION_SOP_CLASS)),
    element(0x0000, 0x0100, us(0x0030)),
    element(0x0000, 0x0110, us(messageId)),
    element(0x0000, 0x0800, us(0x0101)), // no data set follows
  ]);
}

/** A whole C-ECHO-RQ in one P-DATA-TF on the given presentation context. */
export function cEchoRq(contextId = 1, messageId = 1): Buffer {
  return pDataTf([{ contextId, command: true, last: true, data: cEchoRqCommand(messageId) }]);
}

/** Read an Implicit VR LE command set into tag → value (tag as 0xGGGGEEEE). Stops at the first truncated element. */
export function readCommandSet(data: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  let offset = 0;
  while (offset + 8 <= data.length) {
    const tag = ((data.readUInt16LE(offset) << 16) | data.readUInt16LE(offset + 2)) >>> 0;
    const length = data.readUInt32LE(offset + 4);
    if (offset + 8 + length > data.length) break;
    out.set(tag, data.subarray(offset + 8, offset + 8 + length));
    offset += 8 + length;
  }
  return out;
}

/** (0000,0900) Status of a DIMSE response command set, if present. */
export function commandStatus(data: Buffer): number | undefined {
  const value = readCommandSet(data).get(0x00000900);
  return value && value.length >= 2 ? value.readUInt16LE(0) : undefined;
}
