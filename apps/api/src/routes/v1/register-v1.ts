import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../../api-context';
import { authenticateApiKey } from '../../auth/authenticate-api-key';
import { registerRateLimit } from '../../http/rate-limit';
import { registerApiKeyRoutes } from './api-keys.routes';
import { registerNodeTypeRoutes } from './node-types.routes';
import { registerTemplateRoutes } from './templates.routes';
import { registerWorkflowVersionRoutes } from './workflow-versions.routes';
import { registerWorkflowRoutes } from './workflows.routes';
import { registerAssetRoutes } from './assets.routes';
import { registerScheduleRoutes } from './schedules.routes';
import { registerWebhookRoutes } from './webhooks.routes';
import { registerUsageRoutes } from './usage.routes';
import { registerJobRoutes } from './jobs.routes';
import { registerJobEventRoutes } from './job-events.routes';
import { registerRenderRoutes } from './renders.routes';

/**
 * The versioned API under /v1. Every route here is authenticated by an API
 * key and names the scope it needs (config.scope); a route that forgets one
 * fails at start-up rather than serving unauthorised.
 */
export async function registerV1(app: FastifyInstance, context: ApiContext): Promise<void> {
  await app.register(
    async (v1) => {
      v1.decorateRequest('caller', null);
      v1.addHook('onRoute', (route) => {
        if (route.config?.scope === undefined) throw new Error(`route ${[route.method].flat().join(',')} ${route.url} names no scope`);
      });
      v1.addHook('onRequest', authenticateApiKey(context.db));
      await registerRateLimit(v1, context.redis, context.rateLimit);
      await registerApiKeyRoutes(v1, context);
      await registerWorkflowRoutes(v1, context);
      await registerWorkflowVersionRoutes(v1, context);
      await registerTemplateRoutes(v1, context);
      await registerNodeTypeRoutes(v1, context);
      await registerAssetRoutes(v1, context);
      await registerScheduleRoutes(v1, context);
      await registerWebhookRoutes(v1, context);
      await registerUsageRoutes(v1, context);
      await registerJobRoutes(v1, context);
      await registerJobEventRoutes(v1, context);
      await registerRenderRoutes(v1, context);
    },
    { prefix: '/v1' },
  );
}
