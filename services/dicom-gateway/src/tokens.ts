/** Injection tokens for values that are not classes. */
export const GATEWAY_SETTINGS = Symbol('GATEWAY_SETTINGS');
export const LOGGER = Symbol('LOGGER');
/** The process's one database (outbox, and the registry's tables when it is hosted here). */
export const GATEWAY_DATABASE = Symbol('GATEWAY_DATABASE');
