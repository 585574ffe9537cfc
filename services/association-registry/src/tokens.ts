/** Injection tokens for values that are not classes. */
export { API_TOKEN } from '@dicom-router/service-runtime';
export const LOGGER = Symbol('LOGGER');
export const DATABASE = Symbol('DATABASE');
export const NATS_URL = Symbol('NATS_URL');
