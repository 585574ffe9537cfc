/**
 * The DICOM network stack: PDUs (PS3.8 §9.3), the Upper Layer state machine (PS3.8 §9.2),
 * DIMSE messages (PS3.7), association negotiation, sockets, and the SCP/SCU service layer.
 */
export * from './pdu';
export * from './upper-layer';
export * from './dimse';
export * from './association/negotiation';
export * from './association/policy';
export * from './association/association-rules';
export * from './association/static-policy';
export * from './association/remote-aet';
export * from './transport/connect';
export * from './transport/connection-gate';
export * from './transport/server';
export * from './transport/upper-layer-connection';
export * from './service/dimse-association';
export * from './service/handlers';
export * from './service/service-provider';
export * from './service/client';
