export * from './subjects';
export * from './events';
export * from './cloud-event';
