export { createTestDatabase, type TestDatabase } from '@fenta/testing';
