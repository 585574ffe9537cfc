/** Injection tokens for values that are not classes. */
export const LOGGER = Symbol('LOGGER');
export const DATABASE = Symbol('DATABASE');
export const FIND_SETTINGS = Symbol('FIND_SETTINGS');
