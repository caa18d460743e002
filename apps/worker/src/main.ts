import { createLogger, handleShutdownSignals } from '@fenta/core';
import { checkDatabaseConnection, createDatabase } from '@fenta/db';
import { builtInNodeRegistry, createPipelineProviders, RenderSlots } from '@fenta/pipeline';
import { assertNoEviction, connectRedis, createRedisConnection, defaultQueuePrefix } from '@fenta/queue';
import { createStorage } from '@fenta/storage';
import { readWorkerEnv } from './env';
import { startRenderWorker } from './start-render-worker';
import { startWorkerHealth } from './start-worker-health';

async function main(): Promise<void> {
  const env = readWorkerEnv();
  const logger = createLogger({ service: 'worker', level: env.LOG_LEVEL });

  const db = createDatabase({ url: env.DATABASE_URL, applicationName: 'fenta-worker', poolSize: env.FENTA_WORKER_CONCURRENCY * 2 + 2 });
  await checkDatabaseConnection(db, env.DATABASE_URL);
  const probe = createRedisConnection(env.REDIS_URL, { connectionName: 'fenta-worker-check' });
  await connectRedis(probe, env.REDIS_URL);
  await assertNoEviction(probe);
  probe.disconnect();

  const storage = createStorage(env.storage);
  const providers = createPipelineProviders({
    strict: env.FENTA_STRICT_PROVIDERS,
    openai: env.OPENAI_API_KEY
      ? {
          apiKey: env.OPENAI_API_KEY,
          baseURL: env.OPENAI_BASE_URL,
          chatModel: env.OPENAI_MODEL,
          ttsModel: env.OPENAI_TTS_MODEL,
          transcriptionModel: env.OPENAI_TRANSCRIPTION_MODEL,
        }
      : undefined,
    pexelsApiKey: env.PEXELS_API_KEY,
    pixabayApiKey: env.PIXABAY_API_KEY,
    db,
  });

  const running = startRenderWorker({
    deps: {
      db,
      storage,
      registry: builtInNodeRegistry,
      providers,
      logger,
      prices: env.FENTA_PRICES,
      tempRoot: env.FENTA_TEMP_DIR,
      publicUrl: env.FENTA_PUBLIC_URL,
      nodeConcurrency: env.FENTA_NODE_CONCURRENCY,
      renderSlots: new RenderSlots(env.FENTA_RENDER_CONCURRENCY),
    },
    redisUrl: env.REDIS_URL,
    prefix: defaultQueuePrefix,
    concurrency: env.FENTA_WORKER_CONCURRENCY,
    logger,
  });
  const health = await startWorkerHealth({
    port: env.FENTA_HEALTH_PORT,
    host: env.FENTA_HEALTH_HOST,
    db,
    redisUrl: env.REDIS_URL,
    worker: running.worker,
    logger,
  });
  logger.info(
    {
      concurrency: env.FENTA_WORKER_CONCURRENCY,
      renderConcurrency: env.FENTA_RENDER_CONCURRENCY,
      storage: storage.driver,
      providers: {
        script: Object.keys(providers.script),
        tts: Object.keys(providers.tts),
        stock: Object.keys(providers.stock),
        strict: providers.strict,
      },
    },
    'worker ready',
  );

  handleShutdownSignals({
    logger,
    graceMs: env.FENTA_WORKER_GRACE_MS + 15_000,
    shutdown: async () => {
      await running.shutdown(env.FENTA_WORKER_GRACE_MS);
      // Closed after the worker, so readiness says 'closing' while running jobs finish.
      await health?.close();
      await db.destroy();
    },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`fenta worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
