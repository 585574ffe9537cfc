export * from './subjects';
export * from './negotiation';
export * from './routing';
export * from './events';
export * from './cloud-event';
