/** Throw-away PostgreSQL databases: the same helper the unit suites use. */
export { createTestDatabase, POSTGRES_ADMIN_URL, type TestDatabase } from '@dicom-router/persistence/testing';
