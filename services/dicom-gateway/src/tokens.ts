/** Injection tokens for values that are not classes. */
export const GATEWAY_SETTINGS = Symbol('GATEWAY_SETTINGS');
export const LOGGER = Symbol('LOGGER');
