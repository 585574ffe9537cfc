/** Injection tokens for values that are not classes. */
export const ROUTER_SETTINGS = Symbol('ROUTER_SETTINGS');
export const LOGGER = Symbol('LOGGER');
