/** Injection tokens for values that are not classes. */
export const FILER_SETTINGS = Symbol('FILER_SETTINGS');
export const FILER_DATABASE = Symbol('FILER_DATABASE');
export const LOGGER = Symbol('LOGGER');
/** NATS_URL of a standalone filer (a string). */
export const NATS_URL = Symbol('NATS_URL');
/** The host's event bus (`{ bus: Promise<EventBus> }`) when the filer runs inside another process. */
export const FILER_BUS = Symbol('FILER_BUS');
