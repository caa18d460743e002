import { FentaError, isFentaError, redactUrl } from '@fenta/core';
import { checkDatabaseConnection, createDatabase } from '@fenta/db';
import { connectRedis, createRedisConnection } from '@fenta/queue';
import { readStackFile, type StackFile } from './stack-file';

/**
 * The stack a running `./fenta up` recorded in `dataDir`, once its PostgreSQL
 * and Redis answer. A stack.json left by an `up` that was killed outright
 * points at services that are gone: that is STACK_NOT_RUNNING too, not a
 * connection that waits forever.
 */
export async function findRunningStack(dataDir: string): Promise<StackFile> {
  const stack = await readStackFile(dataDir);
  const db = createDatabase({ url: stack.databaseUrl, poolSize: 1, applicationName: 'fenta-admin' });
  const redis = createRedisConnection(stack.redisUrl, { connectionName: 'fenta-admin' });
  // ioredis says why it could not connect in an event only (its rejection says "Connection is closed."); keep the first.
  let refused: Error | undefined;
  redis.on('error', (error: Error) => (refused ??= error));
  try {
    await checkDatabaseConnection(db, stack.databaseUrl);
    await connectRedis(redis, stack.redisUrl, 5_000);
  } catch (error) {
    if (!isFentaError(error)) throw error;
    const unreachable =
      error.code === 'REDIS_UNREACHABLE' && refused
        ? new FentaError('REDIS_UNREACHABLE', { target: redactUrl(stack.redisUrl), reason: refused.message })
        : error;
    throw new FentaError('STACK_NOT_RUNNING', { dataDir, reason: unreachable.message }, { cause: error });
  } finally {
    redis.disconnect();
    await db.destroy();
  }
  return stack;
}
