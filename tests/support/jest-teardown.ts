/**
 * Runs after every spec file (setupFilesAfterEnv in tests/jest.config.ts): stops the peers and closes
 * the servers the file left running. A beforeAll that starts several peers at once and fails on one
 * of them (a database that is down, a port taken) never hands the others to its afterAll; their
 * sockets and pipes would keep jest from exiting, and the run would wait on them until the stage
 * timeout of tests/run-all.sh.
 */
import { stopAll } from './processes';
import { closeLeftovers } from './teardown';

afterAll(() => Promise.all([stopAll(), closeLeftovers()]), 30_000);
