/** Injection tokens for values that are not classes. */
export const API_TOKEN = Symbol('API_TOKEN');
export const LOGGER = Symbol('LOGGER');
export const DATABASE = Symbol('DATABASE');
