import { createLogger } from '../logging/create-logger';
import { handleShutdownSignals } from './handle-shutdown';

const logger = createLogger({ service: 'test', level: 'silent' });

describe('handleShutdownSignals', () => {
  it('runs shutdown once on SIGTERM and exits 0 when it finishes', async () => {
    const exits: number[] = [];
    let calls = 0;
    let exited!: () => void;
    const done = new Promise<void>((resolve) => (exited = resolve));
    const uninstall = handleShutdownSignals({
      logger,
      shutdown: async () => {
        calls += 1;
      },
      exit: (code) => {
        exits.push(code);
        exited();
      },
    });
    try {
      process.emit('SIGTERM', 'SIGTERM');
      await done;
      expect(calls).toBe(1);
      expect(exits).toEqual([0]);
    } finally {
      uninstall();
    }
  });

  it('exits 130 at once on a second signal while shutting down, and 1 when shutdown fails', async () => {
    const exits: number[] = [];
    let fail!: (error: Error) => void;
    let exitedTwice!: () => void;
    const done = new Promise<void>((resolve) => (exitedTwice = resolve));
    const uninstall = handleShutdownSignals({
      logger,
      shutdown: () => new Promise<void>((_, reject) => (fail = reject)),
      exit: (code) => {
        exits.push(code);
        if (exits.length === 2) exitedTwice();
      },
    });
    try {
      process.emit('SIGINT', 'SIGINT');
      process.emit('SIGINT', 'SIGINT');
      expect(exits).toEqual([130]);
      fail(new Error('redis gone'));
      await done;
      expect(exits).toEqual([130, 1]);
    } finally {
      uninstall();
    }
  });
});
