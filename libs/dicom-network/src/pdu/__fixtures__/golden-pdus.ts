/**
 * Golden PDUs: bytes laid out field by field from PS3.8 §9.3 (and PS3.7 Annex D.3.3 for the user
 * information sub-items), each group of bytes beside the field it encodes and its value, and the
 * plain data the codec must decode them to. Two are real captures from DCMTK 3.6.7.
 */
import type { Pdu } from '../types';

export interface GoldenPdu {
  name: string;
  /** Hex bytes; `//` starts a comment that runs to the end of the line. */
  hex: string;
  decoded: Pdu;
  /**
   * Bytes a peer sent in reserved fields, which PS3.8 says are "not tested to this value when
   * received" and which our encoder sends as 00H: re-encoding `decoded` reproduces `hex` with these
   * offsets set to 00H.
   */
  nonZeroReservedOffsets?: number[];
}

/** Parses a fixture's commented hex. */
export function bytesFromHex(hex: string): Buffer {
  const digits = hex
    .split('\n')
    .map((line) => line.replace(/\/\/.*$/, ''))
    .join('')
    .replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(digits)) throw new Error(`malformed fixture hex: ${digits}`);
  return Buffer.from(digits, 'hex');
}

const text = (value: string): Buffer => Buffer.from(value, 'latin1');

export const ASSOCIATE_RQ_ALL_SUB_ITEMS: GoldenPdu = {
  name: 'A-ASSOCIATE-RQ with three presentation contexts and user information sub-items 51H-58H',
  hex: `
    01                                                // PDU-type: A-ASSOCIATE-RQ
    00                                                // reserved
    00 00 02 0a                                       // PDU-length: 522
    00 01                                             // protocol-version: bit 0 (version 1)
    00 00                                             // reserved
    44 49 43 4f 4d 2d 52 4f 55 54 45 52 20 20 20 20   // called AE title: "DICOM-ROUTER" + 4 spaces
    4d 4f 44 41 4c 49 54 59 31 20 20 20 20 20 20 20   // calling AE title: "MODALITY1" + 7 spaces
    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00   // reserved (32 bytes)
    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
    10 00 00 15                                       // application context item, item-length 21
      31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 33 2e 31 2e 31 2e 31
                                                      //   "1.2.840.10008.3.1.1.1" (DICOM application context)
    20 00 00 2e                                       // presentation context item (RQ), item-length 46
      01 00 00 00                                     //   presentation-context-ID 1, 3 reserved bytes
      30 00 00 11                                     //   abstract syntax sub-item, item-length 17
        31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 31 2e 31
                                                      //     "1.2.840.10008.1.1" (Verification)
      40 00 00 11                                     //   transfer syntax sub-item, item-length 17
        31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 31 2e 32
                                                      //     "1.2.840.10008.1.2" (Implicit VR Little Endian)
    20 00 00 4d                                       // presentation context item (RQ), item-length 77
      03 00 00 00                                     //   presentation-context-ID 3, 3 reserved bytes
      30 00 00 19                                     //   abstract syntax sub-item, item-length 25
        31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 35 2e 31 2e 34 2e 31 2e 31 2e 32
                                                      //     "1.2.840.10008.5.1.4.1.1.2" (CT Image Storage)
      40 00 00 13                                     //   transfer syntax sub-item, item-length 19
        31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 31 2e 32 2e 31
                                                      //     "1.2.840.10008.1.2.1" (Explicit VR Little Endian)
      40 00 00 11                                     //   transfer syntax sub-item, item-length 17
        31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 31 2e 32
                                                      //     "1.2.840.10008.1.2" (Implicit VR Little Endian)
    20 00 00 35                                       // presentation context item (RQ), item-length 53
      05 00 00 00                                     //   presentation-context-ID 5, 3 reserved bytes
      30 00 00 16                                     //   abstract syntax sub-item, item-length 22
        31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 35 2e 31 2e 34 2e 33 31
                                                      //     "1.2.840.10008.5.1.4.31" (Modality Worklist FIND)
      40 00 00 13                                     //   transfer syntax sub-item, item-length 19
        31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 31 2e 32 2e 31
                                                      //     "1.2.840.10008.1.2.1" (Explicit VR Little Endian)
    50 00 00 ed                                       // user information item, item-length 237
      51 00 00 04                                     //   maximum length sub-item, item-length 4
        00 00 40 00                                   //     maximum-length-received: 16384
      52 00 00 1c                                     //   implementation class UID sub-item, item-length 28
        31 2e 32 2e 38 32 36 2e 30 2e 31 2e 33 36 38 30 30 34 33 2e 31 30 2e 35 34 33 2e 31
                                                      //     "1.2.826.0.1.3680043.10.543.1" (even length, no padding)
      53 00 00 04                                     //   asynchronous operations window sub-item, item-length 4
        00 05                                         //     maximum-number-operations-invoked: 5
        00 03                                         //     maximum-number-operations-performed: 3
      54 00 00 1d                                     //   SCP/SCU role selection sub-item, item-length 29
        00 19                                         //     UID-length: 25
        31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 35 2e 31 2e 34 2e 31 2e 31 2e 32
                                                      //     SOP-class-uid "1.2.840.10008.5.1.4.1.1.2" (CT Image Storage)
        00                                            //     SCU-role: 0 (non-support)
        01                                            //     SCP-role: 1 (support)
      55 00 00 0d                                     //   implementation version name sub-item, item-length 13
        44 43 4d 52 4f 55 54 45 52 5f 30 31 30        //     "DCMROUTER_010"
      56 00 00 1b                                     //   SOP class extended negotiation sub-item, item-length 27
        00 16                                         //     SOP-class-uid-length: 22
        31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 35 2e 31 2e 34 2e 33 31
                                                      //     SOP-class-uid "1.2.840.10008.5.1.4.31" (Modality Worklist FIND)
        01 01 00                                      //     service-class-application-information: 01 01 00
      57 00 00 53                                     //   SOP class common extended negotiation sub-item, sub-item-version 0, item-length 83
        00 1d                                         //     SOP-class-uid-length: 29
        31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 35 2e 31 2e 34 2e 31 2e 31 2e 38 38 2e 34 30
                                                      //     SOP-class-uid "1.2.840.10008.5.1.4.1.1.88.40" (Procedure Log)
        00 11                                         //     service-class-uid-length: 17
        31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 34 2e 32
                                                      //     service-class-uid "1.2.840.10008.4.2" (Storage Service Class)
        00 1f                                         //     related-general-sop-class-identification-length: 31
          00 1d                                       //       related-general-sop-class-uid-length: 29
          31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 35 2e 31 2e 34 2e 31 2e 31 2e 38 38 2e 32 32
                                                      //       "1.2.840.10008.5.1.4.1.1.88.22" (Enhanced SR)
      58 00 00 11                                     //   user identity sub-item (RQ), item-length 17
        02                                            //     user-identity-type: 2 (username and passcode)
        01                                            //     positive-response-requested: 1
        00 05                                         //     primary-field-length: 5
        61 6c 69 63 65                                //     primary-field: "alice"
        00 06                                         //     secondary-field-length: 6
        73 33 63 72 65 74                             //     secondary-field: "s3cret"
  `,
  decoded: {
    type: 'A-ASSOCIATE-RQ',
    protocolVersion: 1,
    calledAeTitle: 'DICOM-ROUTER',
    callingAeTitle: 'MODALITY1',
    applicationContextName: '1.2.840.10008.3.1.1.1',
    presentationContexts: [
      { id: 1, abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: ['1.2.840.10008.1.2'] },
      {
        id: 3,
        abstractSyntax: '1.2.840.10008.5.1.4.1.1.2',
        transferSyntaxes: ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2'],
      },
      { id: 5, abstractSyntax: '1.2.840.10008.5.1.4.31', transferSyntaxes: ['1.2.840.10008.1.2.1'] },
    ],
    userInformation: {
      maxPduLength: 16384,
      implementationClassUid: '1.2.826.0.1.3680043.10.543.1',
      asyncOperationsWindow: { maxOperationsInvoked: 5, maxOperationsPerformed: 3 },
      roleSelections: [{ sopClassUid: '1.2.840.10008.5.1.4.1.1.2', scuRole: false, scpRole: true }],
      implementationVersionName: 'DCMROUTER_010',
      sopClassExtendedNegotiations: [
        { sopClassUid: '1.2.840.10008.5.1.4.31', serviceClassApplicationInformation: Buffer.from([0x01, 0x01, 0x00]) },
      ],
      sopClassCommonExtendedNegotiations: [
        {
          sopClassUid: '1.2.840.10008.5.1.4.1.1.88.40',
          serviceClassUid: '1.2.840.10008.4.2',
          relatedGeneralSopClassUids: ['1.2.840.10008.5.1.4.1.1.88.22'],
        },
      ],
      userIdentityRequest: {
        identityType: 2,
        positiveResponseRequested: true,
        primaryField: text('alice'),
        secondaryField: text('s3cret'),
      },
    },
  },
};

export const ASSOCIATE_AC_MIXED_RESULTS: GoldenPdu = {
  name: 'A-ASSOCIATE-AC with accepted and rejected contexts and sub-items 51H-56H, 59H',
  hex: `
    02                                                // PDU-type: A-ASSOCIATE-AC
    00                                                // reserved
    00 00 01 33                                       // PDU-length: 307
    00 01                                             // protocol-version: bit 0 (version 1)
    00 00                                             // reserved
    44 49 43 4f 4d 2d 52 4f 55 54 45 52 20 20 20 20   // reserved, the RQ's called AE title: "DICOM-ROUTER"
    4d 4f 44 41 4c 49 54 59 31 20 20 20 20 20 20 20   // reserved, the RQ's calling AE title: "MODALITY1"
    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00   // reserved (32 bytes, as in the RQ)
    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
    10 00 00 15                                       // application context item, item-length 21
      31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 33 2e 31 2e 31 2e 31
                                                      //   "1.2.840.10008.3.1.1.1"
    21 00 00 19                                       // presentation context item (AC), item-length 25
      01 00                                           //   presentation-context-ID 1, reserved
      00 00                                           //   result/reason 0 (acceptance), reserved
      40 00 00 11                                     //   transfer syntax sub-item, item-length 17
        31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 31 2e 32
                                                      //     "1.2.840.10008.1.2" (Implicit VR Little Endian)
    21 00 00 19                                       // presentation context item (AC), item-length 25
      03 00                                           //   presentation-context-ID 3, reserved
      01 00                                           //   result/reason 1 (user-rejection), reserved
      40 00 00 11                                     //   transfer syntax sub-item, item-length 17, not significant
        31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 31 2e 32
                                                      //     "1.2.840.10008.1.2"
    21 00 00 08                                       // presentation context item (AC), item-length 8
      05 00                                           //   presentation-context-ID 5, reserved
      03 00                                           //   result/reason 3 (abstract-syntax-not-supported), reserved
      40 00 00 00                                     //   transfer syntax sub-item, item-length 0 (empty)
    50 00 00 8c                                       // user information item, item-length 140
      51 00 00 04                                     //   maximum length sub-item, item-length 4
        00 00 80 00                                   //     maximum-length-received: 32768
      52 00 00 1c                                     //   implementation class UID sub-item, item-length 28
        31 2e 32 2e 38 32 36 2e 30 2e 31 2e 33 36 38 30 30 34 33 2e 31 30 2e 35 34 33 2e 31
                                                      //     "1.2.826.0.1.3680043.10.543.1"
      53 00 00 04                                     //   asynchronous operations window sub-item, item-length 4
        00 01                                         //     maximum-number-operations-invoked: 1
        00 01                                         //     maximum-number-operations-performed: 1
      54 00 00 1d                                     //   SCP/SCU role selection sub-item, item-length 29
        00 19                                         //     UID-length: 25
        31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 35 2e 31 2e 34 2e 31 2e 31 2e 32
                                                      //     SOP-class-uid "1.2.840.10008.5.1.4.1.1.2" (CT Image Storage)
        00                                            //     SCU-role: 0 (proposal rejected)
        01                                            //     SCP-role: 1 (proposal accepted)
      55 00 00 0d                                     //   implementation version name sub-item, item-length 13
        44 43 4d 52 4f 55 54 45 52 5f 30 31 30        //     "DCMROUTER_010"
      56 00 00 1b                                     //   SOP class extended negotiation sub-item, item-length 27
        00 16                                         //     SOP-class-uid-length: 22
        31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 35 2e 31 2e 34 2e 33 31
                                                      //     SOP-class-uid "1.2.840.10008.5.1.4.31"
        01 00 01                                      //     service-class-application-information: 01 00 01
      59 00 00 07                                     //   user identity sub-item (AC), item-length 7
        00 05                                         //     server-response-length: 5
        3c 6f 6b 2f 3e                                //     server-response: "<ok/>"
  `,
  decoded: {
    type: 'A-ASSOCIATE-AC',
    protocolVersion: 1,
    calledAeTitle: 'DICOM-ROUTER',
    callingAeTitle: 'MODALITY1',
    applicationContextName: '1.2.840.10008.3.1.1.1',
    presentationContexts: [
      { id: 1, result: 0, transferSyntax: '1.2.840.10008.1.2' },
      { id: 3, result: 1, transferSyntax: '1.2.840.10008.1.2' },
      { id: 5, result: 3, transferSyntax: '' },
    ],
    userInformation: {
      maxPduLength: 32768,
      implementationClassUid: '1.2.826.0.1.3680043.10.543.1',
      asyncOperationsWindow: { maxOperationsInvoked: 1, maxOperationsPerformed: 1 },
      roleSelections: [{ sopClassUid: '1.2.840.10008.5.1.4.1.1.2', scuRole: false, scpRole: true }],
      implementationVersionName: 'DCMROUTER_010',
      sopClassExtendedNegotiations: [
        { sopClassUid: '1.2.840.10008.5.1.4.31', serviceClassApplicationInformation: Buffer.from([0x01, 0x00, 0x01]) },
      ],
      userIdentityResponse: { serverResponse: text('<ok/>') },
    },
  },
};

export const ASSOCIATE_RJ: GoldenPdu = {
  name: 'A-ASSOCIATE-RJ, permanent, service-user, calling AE title not recognized',
  hex: `
    03             // PDU-type: A-ASSOCIATE-RJ
    00             // reserved
    00 00 00 04    // PDU-length: 4
    00             // reserved
    01             // result: 1 (rejected-permanent)
    01             // source: 1 (DICOM UL service-user)
    03             // reason/diag.: 3 (calling-AE-title-not-recognized)
  `,
  decoded: { type: 'A-ASSOCIATE-RJ', result: 1, source: 1, reason: 3 },
};

export const P_DATA_TF_TWO_PDVS: GoldenPdu = {
  name: 'P-DATA-TF with a last command fragment and a first data set fragment',
  hex: `
    04                               // PDU-type: P-DATA-TF
    00                               // reserved
    00 00 00 26                      // PDU-length: 38
    00 00 00 0c                      // PDV item-length: 12 (context ID + control header + 10 bytes)
      03                             //   presentation-context-ID: 3
      03                             //   message control header: command (bit 0), last fragment (bit 1)
      00 00 00 01 02 00 00 00 01 00  //   (0000,0100) Command Field, length 2, value 0001H (C-STORE-RQ)
    00 00 00 12                      // PDV item-length: 18 (context ID + control header + 16 bytes)
      03                             //   presentation-context-ID: 3
      00                             //   message control header: data set, not last
      10 00 10 00 08 00 00 00        //   (0010,0010) Patient's Name, length 8
      44 4f 45 5e 4a 4f 48 4e        //   "DOE^JOHN"
  `,
  decoded: {
    type: 'P-DATA-TF',
    values: [
      {
        contextId: 3,
        isCommand: true,
        isLast: true,
        data: Buffer.from([0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00]),
      },
      {
        contextId: 3,
        isCommand: false,
        isLast: false,
        data: Buffer.concat([Buffer.from([0x10, 0x00, 0x10, 0x00, 0x08, 0x00, 0x00, 0x00]), text('DOE^JOHN')]),
      },
    ],
  },
};

export const RELEASE_RQ: GoldenPdu = {
  name: 'A-RELEASE-RQ',
  hex: `
    05             // PDU-type: A-RELEASE-RQ
    00             // reserved
    00 00 00 04    // PDU-length: 4
    00 00 00 00    // reserved
  `,
  decoded: { type: 'A-RELEASE-RQ' },
};

export const RELEASE_RP: GoldenPdu = {
  name: 'A-RELEASE-RP',
  hex: `
    06             // PDU-type: A-RELEASE-RP
    00             // reserved
    00 00 00 04    // PDU-length: 4
    00 00 00 00    // reserved
  `,
  decoded: { type: 'A-RELEASE-RP' },
};

export const ABORT: GoldenPdu = {
  name: 'A-ABORT from the service provider, invalid PDU parameter value',
  hex: `
    07             // PDU-type: A-ABORT
    00             // reserved
    00 00 00 04    // PDU-length: 4
    00             // reserved
    00             // reserved
    02             // source: 2 (DICOM UL service-provider, A-P-ABORT)
    06             // reason/diag.: 6 (invalid-PDU-parameter value)
  `,
  decoded: { type: 'A-ABORT', source: 2, reason: 6 },
};

export const DCMTK_ECHOSCU_ASSOCIATE_RQ: GoldenPdu = {
  name: 'A-ASSOCIATE-RQ captured from DCMTK 3.6.7 `echoscu -aet ECHOSCU -aec ANY-SCP`',
  hex: `
    01                                                // PDU-type: A-ASSOCIATE-RQ
    00                                                // reserved
    00 00 00 cd                                       // PDU-length: 205
    00 01                                             // protocol-version: 1
    00 00                                             // reserved
    41 4e 59 2d 53 43 50 20 20 20 20 20 20 20 20 20   // called AE title: "ANY-SCP"
    45 43 48 4f 53 43 55 20 20 20 20 20 20 20 20 20   // calling AE title: "ECHOSCU"
    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00   // reserved (32 bytes)
    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
    10 00 00 15                                       // application context item, item-length 21
      31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 33 2e 31 2e 31 2e 31
                                                      //   "1.2.840.10008.3.1.1.1"
    20 00 00 2e                                       // presentation context item (RQ), item-length 46
      01                                              //   presentation-context-ID 1
      00 ff 00                                        //   reserved: DCMTK sends FFH in the second (offset 105)
      30 00 00 11                                     //   abstract syntax sub-item, item-length 17
        31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 31 2e 31
                                                      //     "1.2.840.10008.1.1" (Verification)
      40 00 00 11                                     //   transfer syntax sub-item, item-length 17
        31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 31 2e 32
                                                      //     "1.2.840.10008.1.2" (Implicit VR Little Endian)
    50 00 00 3a                                       // user information item, item-length 58
      51 00 00 04                                     //   maximum length sub-item, item-length 4
        00 00 40 00                                   //     maximum-length-received: 16384
      52 00 00 1b                                     //   implementation class UID sub-item, item-length 27
        31 2e 32 2e 32 37 36 2e 30 2e 37 32 33 30 30 31 30 2e 33 2e 30 2e 33 2e 36 2e 37
                                                      //     "1.2.276.0.7230010.3.0.3.6.7" (odd length, unpadded)
      55 00 00 0f                                     //   implementation version name sub-item, item-length 15
        4f 46 46 49 53 5f 44 43 4d 54 4b 5f 33 36 37  //     "OFFIS_DCMTK_367"
  `,
  decoded: {
    type: 'A-ASSOCIATE-RQ',
    protocolVersion: 1,
    calledAeTitle: 'ANY-SCP',
    callingAeTitle: 'ECHOSCU',
    applicationContextName: '1.2.840.10008.3.1.1.1',
    presentationContexts: [{ id: 1, abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: ['1.2.840.10008.1.2'] }],
    userInformation: {
      maxPduLength: 16384,
      implementationClassUid: '1.2.276.0.7230010.3.0.3.6.7',
      implementationVersionName: 'OFFIS_DCMTK_367',
    },
  },
  nonZeroReservedOffsets: [105],
};

export const DCMTK_STORESCP_ASSOCIATE_AC: GoldenPdu = {
  name: 'A-ASSOCIATE-AC captured from DCMTK 3.6.7 `storescp -aet ANY-SCP` answering the echoscu request',
  hex: `
    02                                                // PDU-type: A-ASSOCIATE-AC
    00                                                // reserved
    00 00 00 b8                                       // PDU-length: 184
    00 01                                             // protocol-version: 1
    00 00                                             // reserved
    41 4e 59 2d 53 43 50 20 20 20 20 20 20 20 20 20   // reserved, the RQ's called AE title: "ANY-SCP"
    45 43 48 4f 53 43 55 20 20 20 20 20 20 20 20 20   // reserved, the RQ's calling AE title: "ECHOSCU"
    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00   // reserved (32 bytes)
    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
    10 00 00 15                                       // application context item, item-length 21
      31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 33 2e 31 2e 31 2e 31
                                                      //   "1.2.840.10008.3.1.1.1"
    21 00 00 19                                       // presentation context item (AC), item-length 25
      01 00                                           //   presentation-context-ID 1, reserved
      00 00                                           //   result/reason 0 (acceptance), reserved
      40 00 00 11                                     //   transfer syntax sub-item, item-length 17
        31 2e 32 2e 38 34 30 2e 31 30 30 30 38 2e 31 2e 32
                                                      //     "1.2.840.10008.1.2" (Implicit VR Little Endian)
    50 00 00 3a                                       // user information item, item-length 58
      51 00 00 04                                     //   maximum length sub-item, item-length 4
        00 00 40 00                                   //     maximum-length-received: 16384
      52 00 00 1b                                     //   implementation class UID sub-item, item-length 27
        31 2e 32 2e 32 37 36 2e 30 2e 37 32 33 30 30 31 30 2e 33 2e 30 2e 33 2e 36 2e 37
                                                      //     "1.2.276.0.7230010.3.0.3.6.7"
      55 00 00 0f                                     //   implementation version name sub-item, item-length 15
        4f 46 46 49 53 5f 44 43 4d 54 4b 5f 33 36 37  //     "OFFIS_DCMTK_367"
  `,
  decoded: {
    type: 'A-ASSOCIATE-AC',
    protocolVersion: 1,
    calledAeTitle: 'ANY-SCP',
    callingAeTitle: 'ECHOSCU',
    applicationContextName: '1.2.840.10008.3.1.1.1',
    presentationContexts: [{ id: 1, result: 0, transferSyntax: '1.2.840.10008.1.2' }],
    userInformation: {
      maxPduLength: 16384,
      implementationClassUid: '1.2.276.0.7230010.3.0.3.6.7',
      implementationVersionName: 'OFFIS_DCMTK_367',
    },
  },
};

export const GOLDEN_PDUS: readonly GoldenPdu[] = [
  ASSOCIATE_RQ_ALL_SUB_ITEMS,
  ASSOCIATE_AC_MIXED_RESULTS,
  ASSOCIATE_RJ,
  P_DATA_TF_TWO_PDVS,
  RELEASE_RQ,
  RELEASE_RP,
  ABORT,
  DCMTK_ECHOSCU_ASSOCIATE_RQ,
  DCMTK_STORESCP_ASSOCIATE_AC,
];
