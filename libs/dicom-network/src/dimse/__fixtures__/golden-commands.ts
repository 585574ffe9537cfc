/**
 * Command sets written by hand from PS3.7 (§9.3 message tables, Annex E element registry) and
 * PS3.5 §7.1.3 (Implicit VR Little Endian: group, element, 32-bit length, value), each with the
 * message it means. Every line is one element: tag bytes, length bytes, value bytes.
 */
import type { DimseCommand } from '../messages';

export interface GoldenCommand {
  name: string;
  bytes: Buffer;
  command: DimseCommand;
}

/** Joins hex lines, ignoring spaces. */
function hex(...lines: string[]): Buffer {
  return Buffer.from(lines.join('').replace(/\s+/g, ''), 'hex');
}

/** ASCII of a value field, to keep UIDs and texts readable below. */
function ascii(text: string): string {
  return Buffer.from(text, 'latin1').toString('hex');
}

const VERIFICATION = '1.2.840.10008.1.1'; // 17 characters, NUL-padded to 18
const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2'; // 25 characters, NUL-padded to 26
const CT_INSTANCE = '1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322'; // 47 characters, NUL-padded to 48
const MWL_FIND = '1.2.840.10008.5.1.4.31'; // 22 characters, no padding

export const GOLDEN_COMMANDS: GoldenCommand[] = [
  {
    // What DCMTK echoscu sends as its first message: message ID 1, no Priority.
    name: 'C-ECHO-RQ',
    bytes: hex(
      '0000 0000  04000000  38000000', //                (0000,0000) UL Command Group Length = 56
      `0000 0200  12000000  ${ascii(VERIFICATION)}00`, // (0000,0002) UI Affected SOP Class UID = Verification
      '0000 0001  02000000  3000', //                    (0000,0100) US Command Field = 0030H C-ECHO-RQ
      '0000 1001  02000000  0100', //                    (0000,0110) US Message ID = 1
      '0000 0008  02000000  0101', //                    (0000,0800) US Command Data Set Type = 0101H none
    ),
    command: { commandField: 'C-ECHO-RQ', messageId: 1, affectedSopClassUid: VERIFICATION, hasDataSet: false },
  },
  {
    name: 'C-ECHO-RSP',
    bytes: hex(
      '0000 0000  04000000  42000000', //                (0000,0000) UL Command Group Length = 66
      `0000 0200  12000000  ${ascii(VERIFICATION)}00`, // (0000,0002) UI Affected SOP Class UID = Verification
      '0000 0001  02000000  3080', //                    (0000,0100) US Command Field = 8030H C-ECHO-RSP
      '0000 2001  02000000  0100', //                    (0000,0120) US Message ID Being Responded To = 1
      '0000 0008  02000000  0101', //                    (0000,0800) US Command Data Set Type = 0101H none
      '0000 0009  02000000  0000', //                    (0000,0900) US Status = 0000H Success
    ),
    command: {
      commandField: 'C-ECHO-RSP',
      affectedSopClassUid: VERIFICATION,
      messageIdBeingRespondedTo: 1,
      status: 0x0000,
      hasDataSet: false,
    },
  },
  {
    // A sub-operation of a C-MOVE, so that both optional Move Originator fields are exercised.
    name: 'C-STORE-RQ',
    bytes: hex(
      '0000 0000  04000000  9c000000', //                   (0000,0000) UL Command Group Length = 156
      `0000 0200  1a000000  ${ascii(CT_IMAGE_STORAGE)}00`, // (0000,0002) UI Affected SOP Class UID = CT Image Storage
      '0000 0001  02000000  0100', //                       (0000,0100) US Command Field = 0001H C-STORE-RQ
      '0000 1001  02000000  0300', //                       (0000,0110) US Message ID = 3
      '0000 0007  02000000  0000', //                       (0000,0700) US Priority = 0000H MEDIUM
      '0000 0008  02000000  0100', //                       (0000,0800) US Command Data Set Type = 0001H present
      `0000 0010  30000000  ${ascii(CT_INSTANCE)}00`, //    (0000,1000) UI Affected SOP Instance UID
      `0000 3010  08000000  ${ascii('MOVESCU ')}`, //       (0000,1030) AE Move Originator AE Title = "MOVESCU", space-padded
      '0000 3110  02000000  0700', //                       (0000,1031) US Move Originator Message ID = 7
    ),
    command: {
      commandField: 'C-STORE-RQ',
      affectedSopClassUid: CT_IMAGE_STORAGE,
      messageId: 3,
      priority: 0x0000,
      affectedSopInstanceUid: CT_INSTANCE,
      moveOriginatorApplicationEntityTitle: 'MOVESCU',
      moveOriginatorMessageId: 7,
      hasDataSet: true,
    },
  },
  {
    // A refusal carrying every error field of PS3.7 Annex C.
    name: 'C-STORE-RSP',
    bytes: hex(
      '0000 0000  04000000  b6000000', //                   (0000,0000) UL Command Group Length = 182
      `0000 0200  1a000000  ${ascii(CT_IMAGE_STORAGE)}00`, // (0000,0002) UI Affected SOP Class UID = CT Image Storage
      '0000 0001  02000000  0180', //                       (0000,0100) US Command Field = 8001H C-STORE-RSP
      '0000 2001  02000000  0300', //                       (0000,0120) US Message ID Being Responded To = 3
      '0000 0008  02000000  0101', //                       (0000,0800) US Command Data Set Type = 0101H none
      '0000 0009  02000000  00c0', //                       (0000,0900) US Status = C000H Cannot understand
      '0000 0109  04000000  1000 2000', //                  (0000,0901) AT Offending Element = (0010,0020) Patient ID
      `0000 0209  16000000  ${ascii('Patient ID is missing ')}`, // (0000,0902) LO Error Comment, 21 chars space-padded
      '0000 0309  02000000  2a00', //                       (0000,0903) US Error ID = 42
      `0000 0010  30000000  ${ascii(CT_INSTANCE)}00`, //    (0000,1000) UI Affected SOP Instance UID
    ),
    command: {
      commandField: 'C-STORE-RSP',
      affectedSopClassUid: CT_IMAGE_STORAGE,
      messageIdBeingRespondedTo: 3,
      status: 0xc000,
      offendingElement: [0x00100020],
      errorComment: 'Patient ID is missing',
      errorId: 42,
      affectedSopInstanceUid: CT_INSTANCE,
      hasDataSet: false,
    },
  },
  {
    name: 'C-FIND-RQ',
    bytes: hex(
      '0000 0000  04000000  46000000', //           (0000,0000) UL Command Group Length = 70
      `0000 0200  16000000  ${ascii(MWL_FIND)}`, // (0000,0002) UI Affected SOP Class UID = Modality Worklist Information Model - FIND
      '0000 0001  02000000  2000', //               (0000,0100) US Command Field = 0020H C-FIND-RQ
      '0000 1001  02000000  0500', //               (0000,0110) US Message ID = 5
      '0000 0007  02000000  0200', //               (0000,0700) US Priority = 0002H LOW
      '0000 0008  02000000  0100', //               (0000,0800) US Command Data Set Type = 0001H identifier follows
    ),
    command: {
      commandField: 'C-FIND-RQ',
      affectedSopClassUid: MWL_FIND,
      messageId: 5,
      priority: 0x0002,
      hasDataSet: true,
    },
  },
  {
    name: 'C-FIND-RSP (pending)',
    bytes: hex(
      '0000 0000  04000000  46000000', //           (0000,0000) UL Command Group Length = 70
      `0000 0200  16000000  ${ascii(MWL_FIND)}`, // (0000,0002) UI Affected SOP Class UID = Modality Worklist Information Model - FIND
      '0000 0001  02000000  2080', //               (0000,0100) US Command Field = 8020H C-FIND-RSP
      '0000 2001  02000000  0500', //               (0000,0120) US Message ID Being Responded To = 5
      '0000 0008  02000000  0100', //               (0000,0800) US Command Data Set Type = 0001H one match follows
      '0000 0009  02000000  00ff', //               (0000,0900) US Status = FF00H Pending
    ),
    command: {
      commandField: 'C-FIND-RSP',
      affectedSopClassUid: MWL_FIND,
      messageIdBeingRespondedTo: 5,
      status: 0xff00,
      hasDataSet: true,
    },
  },
  {
    name: 'C-CANCEL-RQ',
    bytes: hex(
      '0000 0000  04000000  1e000000', // (0000,0000) UL Command Group Length = 30
      '0000 0001  02000000  ff0f', //     (0000,0100) US Command Field = 0FFFH C-CANCEL-RQ
      '0000 2001  02000000  0500', //     (0000,0120) US Message ID Being Responded To = 5
      '0000 0008  02000000  0101', //     (0000,0800) US Command Data Set Type = 0101H none
    ),
    command: { commandField: 'C-CANCEL-RQ', messageIdBeingRespondedTo: 5, hasDataSet: false },
  },
];
