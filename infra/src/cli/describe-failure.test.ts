import { FentaError } from '@fenta/core';
import { CommandFailure } from './command-failure';
import { describeFailure } from './describe-failure';
import { serviceStartFailure } from './service-start-failure';

describe('describeFailure', () => {
  it('prints an app that stopped as one line with the usual fix', () => {
    const failure = CommandFailure.of('STACK_APP_EXITED', { app: 'worker', exit: 'code 1', when: 'during start-up' });
    expect(describeFailure('up', failure, { debug: false })).toEqual({
      lines: ["fenta up: STACK_APP_EXITED: The worker app exited (code 1) during start-up — fix: see the app's log above for why it stopped"],
      exitCode: 1,
    });
  });

  it('puts the first line of a service that did not start in the line, and its output indented under it', () => {
    let thrown: unknown;
    try {
      serviceStartFailure('Embedded PostgreSQL')(
        new Error('PostgreSQL exited (code 1) before it was ready:\nFATAL:  could not create lock file\n\nHINT:  is another postmaster running?'),
      );
    } catch (error) {
      thrown = error;
    }
    expect(describeFailure('up', thrown, { debug: false }).lines).toEqual([
      "fenta up: SERVICE_START_FAILED: Embedded PostgreSQL did not start: PostgreSQL exited (code 1) before it was ready — fix: see the service's output below",
      '  FATAL:  could not create lock file',
      '  HINT:  is another postmaster running?',
    ]);
  });

  it('lets a coded error through a service start as it is', () => {
    const busy = new FentaError('PORT_IN_USE', { host: '127.0.0.1', port: 63799, service: 'redis-server', variable: 'FENTA_REDIS_PORT' });
    expect(() => serviceStartFailure('redis-server')(busy)).toThrow(busy);
  });

  it('keeps a message that spans lines on one line', () => {
    const failure = new FentaError('DB_MIGRATION_FAILED', { name: '00009_x.sql', reason: 'syntax error\nat or near "TABEL"' });
    expect(describeFailure('migrate', failure, { debug: false }).lines).toEqual([
      'fenta migrate: DB_MIGRATION_FAILED: Migration 00009_x.sql failed: syntax error at or near "TABEL" — fix: correct the SQL of 00009_x.sql (nothing of it was applied) and run again',
    ]);
  });

  it('reports something thrown that is not an Error as INTERNAL', () => {
    expect(describeFailure(undefined, 'lost', { debug: false })).toEqual({
      lines: ['fenta: INTERNAL: Internal error (lost) — fix: re-run with LOG_LEVEL=debug to see the stack trace'],
      exitCode: 1,
    });
  });
});
