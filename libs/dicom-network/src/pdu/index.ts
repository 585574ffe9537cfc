export * from './types';
export { decodePDataTfPieces, decodePdu, encodePDataTf, encodePdu } from './codec';
export { PDU_HARD_CAP, PduFramer, type FramedPdu, type PduFramerLimits } from './framer';
export { PduDecodeError } from './errors';
