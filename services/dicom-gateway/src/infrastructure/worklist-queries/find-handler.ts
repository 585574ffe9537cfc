import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { DimseFailure, Status, type DimseOutcome, type DimseRequest, type FindResponder } from '@dicom-router/dicom-network';
import { buildQuery, encodeResponse, IdentifierError, readDataSet, type DicomJson, type WorklistFinder } from '@dicom-router/worklist';

/** PS3.4 K.6: Modality Worklist Information Model – FIND. */
export const MODALITY_WORKLIST_FIND = '1.2.840.10008.5.1.4.31';
const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
const EXPLICIT_VR_BIG_ENDIAN = '1.2.840.10008.1.2.2';
/** PS3.5 A.5: the data set is a raw deflate stream of Explicit VR Little Endian. */
const DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1.99';
/** An inflated identifier larger than this is refused (a deflate bomb costs nothing to send). */
const MAX_INFLATED_IDENTIFIER = 1024 * 1024;

export interface FindOutcome extends DimseOutcome {
  matchCount: number;
  cancelled: boolean;
}

/**
 * One Modality Worklist C-FIND (PS3.4 K.4.1.3): decode and check the identifier here, so a
 * malformed one is answered at once (A900H/C000H with an Error Comment), then relay each match
 * from the finder as a Pending response the moment it arrives.
 */
export async function answerWorklistFind(finder: WorklistFinder, request: DimseRequest<'C-FIND-RQ'>, bytes: Buffer, responder: FindResponder): Promise<FindOutcome> {
  const sopClass = request.command.affectedSopClassUid;
  if (sopClass !== MODALITY_WORKLIST_FIND) {
    throw new DimseFailure(Status.SopClassNotSupported, `C-FIND of ${sopClass} is not offered; only Modality Worklist`);
  }
  const transferSyntax = request.context.transferSyntax;
  if (transferSyntax === EXPLICIT_VR_BIG_ENDIAN) throw new DimseFailure(Status.CannotUnderstand, 'identifiers in Explicit VR Big Endian are not supported');
  const explicitVr = transferSyntax !== IMPLICIT_VR_LITTLE_ENDIAN;
  let identifier: DicomJson;
  let requestedCharacterSet: string[];
  const deflated = transferSyntax === DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN;
  try {
    identifier = readDataSet(deflated ? inflate(bytes) : bytes, { explicitVr });
    requestedCharacterSet = buildQuery(identifier).requestedCharacterSet;
  } catch (err) {
    if (!(err instanceof IdentifierError)) throw err;
    // PS3.4 C.4.1.1.4: A900H "Identifier does not match SOP Class", C000H "Unable to process".
    throw new DimseFailure(err.kind === 'malformed' ? Status.CannotUnderstand : Status.DataSetDoesNotMatchSopClass, err.message);
  }
  let matchCount = 0;
  const { association } = request;
  const messages = finder.find(
    { identifier, associationId: association.id, callingAet: association.callingAet, calledAet: association.calledAet },
    responder.signal,
  );
  for await (const message of messages) {
    if (responder.signal.aborted) break;
    if (message.kind === 'match') {
      matchCount += 1;
      const encoded = encodeResponse(message.identifier, requestedCharacterSet, explicitVr);
      await responder.pending(deflated ? deflateRawSync(encoded) : encoded, message.status);
      continue;
    }
    return { status: message.status, errorComment: message.errorComment, matchCount, cancelled: message.status === Status.Cancel };
  }
  if (responder.signal.aborted) return { status: Status.Cancel, matchCount, cancelled: true };
  return { status: Status.ProcessingFailure, errorComment: 'the worklist service ended the query without an answer', matchCount, cancelled: false };
}

function inflate(bytes: Buffer): Buffer {
  try {
    return inflateRawSync(bytes, { maxOutputLength: MAX_INFLATED_IDENTIFIER });
  } catch (err) {
    throw new IdentifierError('malformed', `the deflated identifier cannot be inflated: ${(err as Error).message}`);
  }
}
