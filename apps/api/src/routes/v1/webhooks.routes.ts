import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  checkWebhookUrl,
  FentaError,
  issueWebhookSecret,
  sealSecret,
  urlForMessages,
  webhookEvents,
  webhookSecretContext,
  webhookTestEvent,
  type WebhookEvent,
} from '@fenta/core';
import {
  deleteWebhook,
  findWebhook,
  findWebhookDelivery,
  insertWebhook,
  listWebhookDeliveries,
  listWebhooks,
  newWebhookId,
  redeliverWebhookDelivery,
  sendTestWebhookDelivery,
  setWebhookSecret,
  updateWebhook,
  type WebhookDeliveryRow,
  type WebhookRow,
} from '@fenta/db';
import type { ApiContext, WebhookSettings } from '../../api-context';
import { errorResponses } from '../../http/error-responses';
import { decodeCursor, pageQuery, pageSchema, toPage } from '../../http/pagination';
import { asTenant } from '../../tenancy/as-tenant';

const timestamp = Type.String({ format: 'date-time' });
const url = Type.String({
  minLength: 1,
  maxLength: 2048,
  description: 'Where deliveries are POSTed: a public address (https only in production; never a private, loopback or link-local one).',
});
// One enum rather than a union of literals, so a wrong name is one problem ("must be one of: …"), not one per event.
const events = Type.Array(Type.Unsafe<WebhookEvent>({ type: 'string', enum: [...webhookEvents], description: `An event name: ${webhookEvents.join(', ')}.` }), {
  minItems: 1,
  uniqueItems: true,
  description: 'The events delivered to this endpoint.',
});

const webhookSchema = Type.Object(
  {
    id: Type.String(),
    url: Type.String(),
    events: Type.Array(Type.String()),
    enabled: Type.Boolean(),
    disabled_at: Type.Union([timestamp, Type.Null()], { description: 'When Fenta turned the endpoint off; null once enabled again.' }),
    disabled_reason: Type.Union([Type.String(), Type.Null()], {
      description: 'Why Fenta turned the endpoint off: it answered 410 Gone, or every attempt failed for 5 days.',
    }),
    failing_since: Type.Union([timestamp, Type.Null()], { description: 'When the current run of failed attempts began; null after a success.' }),
    created_by: Type.Union([Type.String(), Type.Null()]),
    created_at: timestamp,
    updated_at: timestamp,
  },
  { $id: 'Webhook' },
);
const deliveryStatuses = ['pending', 'success', 'failed'] as const;
const deliverySchema = Type.Object(
  {
    id: Type.String({ description: 'The delivery id; also the `webhook-id` header of its attempts, unless it redelivers another.' }),
    webhook_id: Type.String(),
    event: Type.String(),
    payload: Type.Unknown({ description: 'The event as sent, in the body `{type, timestamp, data}` as `data`.' }),
    status: Type.Unsafe<(typeof deliveryStatuses)[number]>({
      type: 'string',
      enum: [...deliveryStatuses],
      description:
        'pending (being attempted; held while the endpoint is disabled, sent when it is enabled again), success (a 2xx answer), failed (given up after the last attempt).',
    }),
    attempts: Type.Integer(),
    http_status: Type.Union([Type.Integer(), Type.Null()], { description: "The last attempt's answer; null when there was none." }),
    response_body: Type.Union([Type.String(), Type.Null()], { description: 'The start (up to 2,048 characters) of the last answer.' }),
    last_error: Type.Union([Type.String(), Type.Null()], { description: 'Why the last attempt had no answer (refused address, timeout, connection).' }),
    last_attempt_at: Type.Union([timestamp, Type.Null()]),
    next_retry_at: Type.Union([timestamp, Type.Null()], { description: 'When the next attempt is due; null when finished.' }),
    redelivery_of: Type.Union([Type.String(), Type.Null()], { description: 'The delivery this one sends again, under its webhook-id.' }),
    created_at: timestamp,
  },
  { $id: 'WebhookDelivery' },
);
const secretSchema = Type.String({
  description: 'The signing secret (Standard Webhooks format, `whsec_` + base64). Shown once, in this response: store it now.',
});

const webhookId = Type.String({ pattern: '^hook_[A-Za-z0-9_-]{1,100}$', description: 'A webhook id, `hook_…`.' });
const webhookIdParams = Type.Object({ id: webhookId });
const deliveryParams = Type.Object({
  id: webhookId,
  deliveryId: Type.String({ pattern: '^delivery_[A-Za-z0-9_-]{1,100}$', description: 'A delivery id, `delivery_…`.' }),
});

const urlCodes = ['URL_NOT_ALLOWED', 'DNS_UNAVAILABLE'] as const;

/**
 * Webhook endpoints of the caller's org: list, create, read, change, delete,
 * rotate the secret. Fenta makes each endpoint's signing secret and shows it
 * once (creation, rotation); it is sealed at rest when FENTA_SECRETS_KEY is
 * set, and no tenant can read the column at all (00009). Every URL is
 * checked by the address policy when it is set. Delivering is the
 * scheduler's, which checks the address again when it connects; the
 * deliveries can be listed, sent again, and a test event sent.
 */
export async function registerWebhookRoutes(parent: FastifyInstance, { db, webhooks: settings }: ApiContext): Promise<void> {
  const app = parent.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/webhooks',
    {
      config: { scope: 'webhooks:read' },
      schema: {
        tags: ['webhooks'],
        summary: "List the org's webhooks, newest first (never their secrets)",
        querystring: Type.Object(pageQuery),
        response: { 200: pageSchema(webhookSchema), ...errorResponses('CURSOR_INVALID') },
      },
    },
    async (request) => {
      const after = decodeCursor('webhooks', request.query.cursor, 'hook');
      const rows = await asTenant(db, request, ({ trx, caller }) => listWebhooks(trx, { orgId: caller.orgId, after, limit: request.query.limit + 1 }));
      return toPage('webhooks', rows, request.query.limit, webhookView);
    },
  );

  app.post(
    '/webhooks',
    {
      config: { scope: 'webhooks:write' },
      schema: {
        tags: ['webhooks'],
        summary: 'Add a webhook endpoint; its signing secret is returned once, in this response',
        body: Type.Object({ url, events, enabled: Type.Optional(Type.Boolean({ default: true })) }, { additionalProperties: false }),
        response: { 201: Type.Object({ webhook: webhookSchema, secret: secretSchema }), ...errorResponses(...urlCodes, 'ROLE_FORBIDDEN') },
      },
    },
    async (request, reply) => {
      const endpoint = await checkedUrl(request.body.url, settings);
      const secret = issueWebhookSecret();
      const row = await asTenant(db, request, async ({ trx, caller, audit }) => {
        const id = await newWebhookId(trx);
        const created = await insertWebhook(trx, {
          id,
          orgId: caller.orgId,
          url: endpoint,
          events: request.body.events,
          enabled: request.body.enabled ?? true,
          storedSecret: storedSecret(secret, id, settings),
          createdBy: caller.userId,
        });
        await audit({ action: 'create', resourceType: 'webhook', resourceId: id, changes: { after: webhookView(created) } });
        return created;
      });
      return reply
        .status(201)
        .header('cache-control', 'no-store')
        .send({ webhook: webhookView(row), secret });
    },
  );

  app.get(
    '/webhooks/:id',
    {
      config: { scope: 'webhooks:read' },
      schema: {
        tags: ['webhooks'],
        summary: 'A webhook (never its secret)',
        params: webhookIdParams,
        response: { 200: Type.Object({ webhook: webhookSchema }), ...errorResponses('WEBHOOK_NOT_FOUND') },
      },
    },
    async (request) => {
      const row = await asTenant(db, request, ({ trx, caller }) => findWebhook(trx, caller.orgId, request.params.id));
      if (!row) throw new FentaError('WEBHOOK_NOT_FOUND', { webhook: request.params.id });
      return { webhook: webhookView(row) };
    },
  );

  app.patch(
    '/webhooks/:id',
    {
      config: { scope: 'webhooks:write' },
      schema: {
        tags: ['webhooks'],
        summary: "Change a webhook's URL, events or whether it is enabled",
        params: webhookIdParams,
        body: Type.Object(
          { url: Type.Optional(url), events: Type.Optional(events), enabled: Type.Optional(Type.Boolean()) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: Type.Object({ webhook: webhookSchema }), ...errorResponses('WEBHOOK_NOT_FOUND', ...urlCodes, 'ROLE_FORBIDDEN') },
      },
    },
    async (request) => {
      const id = request.params.id;
      const { events: newEvents, enabled } = request.body;
      const endpoint = request.body.url === undefined ? undefined : await checkedUrl(request.body.url, settings);
      const row = await asTenant(db, request, async ({ trx, caller, audit }) => {
        const before = await findWebhook(trx, caller.orgId, id);
        if (!before) throw new FentaError('WEBHOOK_NOT_FOUND', { webhook: id });
        const after = await updateWebhook(trx, caller.orgId, id, { url: endpoint, events: newEvents, enabled });
        if (!after) throw new FentaError('WEBHOOK_NOT_FOUND', { webhook: id });
        await audit({ action: 'update', resourceType: 'webhook', resourceId: id, changes: { before: webhookView(before), after: webhookView(after) } });
        return after;
      });
      return { webhook: webhookView(row) };
    },
  );

  app.post(
    '/webhooks/:id/rotate-secret',
    {
      config: { scope: 'webhooks:write' },
      schema: {
        tags: ['webhooks'],
        summary: 'Replace the signing secret; the new one is returned once, and the old one keeps signing beside it for 24 hours',
        params: webhookIdParams,
        response: { 200: Type.Object({ webhook: webhookSchema, secret: secretSchema }), ...errorResponses('WEBHOOK_NOT_FOUND', 'ROLE_FORBIDDEN') },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      const secret = issueWebhookSecret();
      const row = await asTenant(db, request, async ({ trx, caller, audit }) => {
        const rotated = await setWebhookSecret(trx, caller.orgId, id, storedSecret(secret, id, settings));
        if (!rotated) throw new FentaError('WEBHOOK_NOT_FOUND', { webhook: id });
        // The secret itself is never in the audit trail, sealed or not.
        await audit({ action: 'rotate_secret', resourceType: 'webhook', resourceId: id, changes: {} });
        return rotated;
      });
      return reply.header('cache-control', 'no-store').send({ webhook: webhookView(row), secret });
    },
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      config: { scope: 'webhooks:read' },
      schema: {
        tags: ['webhooks'],
        summary: "The webhook's deliveries, newest first, with each one's attempts and last answer",
        params: webhookIdParams,
        querystring: Type.Object({
          ...pageQuery,
          status: Type.Optional(
            Type.Unsafe<(typeof deliveryStatuses)[number]>({ type: 'string', enum: [...deliveryStatuses], description: 'Only deliveries in this state.' }),
          ),
        }),
        response: { 200: pageSchema(deliverySchema), ...errorResponses('WEBHOOK_NOT_FOUND', 'CURSOR_INVALID') },
      },
    },
    async (request) => {
      const after = decodeCursor('webhook-deliveries', request.query.cursor, 'delivery');
      const rows = await asTenant(db, request, async ({ trx, caller }) => {
        if (!(await findWebhook(trx, caller.orgId, request.params.id))) throw new FentaError('WEBHOOK_NOT_FOUND', { webhook: request.params.id });
        return listWebhookDeliveries(trx, { webhookId: request.params.id, status: request.query.status, after, limit: request.query.limit + 1 });
      });
      return toPage('webhook-deliveries', rows, request.query.limit, deliveryView);
    },
  );

  app.get(
    '/webhooks/:id/deliveries/:deliveryId',
    {
      config: { scope: 'webhooks:read' },
      schema: {
        tags: ['webhooks'],
        summary: 'One delivery of the webhook',
        params: deliveryParams,
        response: { 200: Type.Object({ delivery: deliverySchema }), ...errorResponses('WEBHOOK_NOT_FOUND', 'WEBHOOK_DELIVERY_NOT_FOUND') },
      },
    },
    async (request) => {
      const { id, deliveryId } = request.params;
      const row = await asTenant(db, request, async ({ trx, caller }) => {
        if (!(await findWebhook(trx, caller.orgId, id))) throw new FentaError('WEBHOOK_NOT_FOUND', { webhook: id });
        return findWebhookDelivery(trx, id, deliveryId);
      });
      if (!row) throw new FentaError('WEBHOOK_DELIVERY_NOT_FOUND', { webhook: id, delivery: deliveryId });
      return { delivery: deliveryView(row) };
    },
  );

  app.post(
    '/webhooks/:id/deliveries/:deliveryId/redeliver',
    {
      config: { scope: 'webhooks:write' },
      schema: {
        tags: ['webhooks'],
        summary: 'Send a finished delivery again: a new delivery, attempted from now on, under the same webhook-id',
        params: deliveryParams,
        response: {
          202: Type.Object({ delivery: deliverySchema }),
          ...errorResponses('WEBHOOK_NOT_FOUND', 'WEBHOOK_DELIVERY_NOT_FOUND', 'WEBHOOK_DELIVERY_PENDING', 'WEBHOOK_DISABLED', 'ROLE_FORBIDDEN'),
        },
      },
    },
    async (request, reply) => {
      const { id, deliveryId } = request.params;
      const row = await asTenant(db, request, async ({ trx, caller, audit }) => {
        if (!(await findWebhook(trx, caller.orgId, id))) throw new FentaError('WEBHOOK_NOT_FOUND', { webhook: id });
        if (!(await findWebhookDelivery(trx, id, deliveryId))) throw new FentaError('WEBHOOK_DELIVERY_NOT_FOUND', { webhook: id, delivery: deliveryId });
        const queued = await notReady(() => redeliverWebhookDelivery(trx, deliveryId), { webhook: id, delivery: deliveryId });
        if (!queued) throw new FentaError('WEBHOOK_DELIVERY_NOT_FOUND', { webhook: id, delivery: deliveryId });
        await audit({
          action: 'redeliver',
          resourceType: 'webhook',
          resourceId: id,
          changes: { after: { delivery: queued.id, redelivery_of: queued.redelivery_of } },
        });
        return queued;
      });
      return reply.status(202).send({ delivery: deliveryView(row) });
    },
  );

  app.post(
    '/webhooks/:id/test',
    {
      config: { scope: 'webhooks:write' },
      schema: {
        tags: ['webhooks'],
        summary: `Send a ${webhookTestEvent} event to the endpoint now, whatever it subscribes to; follow it in its deliveries`,
        params: webhookIdParams,
        response: { 202: Type.Object({ delivery: deliverySchema }), ...errorResponses('WEBHOOK_NOT_FOUND', 'WEBHOOK_DISABLED', 'ROLE_FORBIDDEN') },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      const row = await asTenant(db, request, async ({ trx, caller, audit }) => {
        if (!(await findWebhook(trx, caller.orgId, id))) throw new FentaError('WEBHOOK_NOT_FOUND', { webhook: id });
        const queued = await notReady(() => sendTestWebhookDelivery(trx, id), { webhook: id });
        if (!queued) throw new FentaError('WEBHOOK_NOT_FOUND', { webhook: id });
        await audit({ action: 'test', resourceType: 'webhook', resourceId: id, changes: { after: { delivery: queued.id } } });
        return queued;
      });
      return reply.status(202).send({ delivery: deliveryView(row) });
    },
  );

  app.delete(
    '/webhooks/:id',
    {
      config: { scope: 'webhooks:write' },
      schema: {
        tags: ['webhooks'],
        summary: 'Delete a webhook and its delivery history',
        params: webhookIdParams,
        response: { 204: Type.Null({ description: 'Deleted.' }), ...errorResponses('WEBHOOK_NOT_FOUND', 'ROLE_FORBIDDEN') },
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      await asTenant(db, request, async ({ trx, caller, audit }) => {
        const before = await findWebhook(trx, caller.orgId, id);
        if (!before || !(await deleteWebhook(trx, caller.orgId, id))) throw new FentaError('WEBHOOK_NOT_FOUND', { webhook: id });
        await audit({ action: 'delete', resourceType: 'webhook', resourceId: id, changes: { before: webhookView(before) } });
      });
      return reply.status(204).send(null);
    },
  );
}

/** The URL as the parser normalised it (what the delivery will read back), or a 400 naming body.url (503 when DNS cannot tell now). */
async function checkedUrl(raw: string, settings: WebhookSettings): Promise<string> {
  const check = await checkWebhookUrl(raw, settings.urlPolicy, settings.resolveHost);
  if (check.ok) return check.url.href;
  if (check.unavailable) throw new FentaError('DNS_UNAVAILABLE', { url: urlForMessages(raw), reason: check.reason });
  throw new FentaError(
    'URL_NOT_ALLOWED',
    { url: urlForMessages(raw), reason: check.reason },
    { details: { problems: [{ path: 'body.url', message: `is not allowed: ${check.reason}` }] } },
  );
}

function storedSecret(secret: string, webhookId: string, settings: WebhookSettings): string {
  return settings.secretsKey ? sealSecret(secret, settings.secretsKey, webhookSecretContext(webhookId)) : secret;
}

/**
 * Runs a redelivery or a test send, turning the database's "not now" (SQLSTATE
 * 55000, its hint naming why) into WEBHOOK_DELIVERY_PENDING or WEBHOOK_DISABLED.
 */
async function notReady<T>(queue: () => Promise<T>, ids: { webhook: string; delivery?: string }): Promise<T> {
  try {
    return await queue();
  } catch (error) {
    const { code, hint } = error as { code?: string; hint?: string };
    if (code === '55000' && hint === 'pending') throw new FentaError('WEBHOOK_DELIVERY_PENDING', { delivery: ids.delivery ?? '' }, { cause: error });
    if (code === '55000' && hint === 'disabled') throw new FentaError('WEBHOOK_DISABLED', { webhook: ids.webhook }, { cause: error });
    throw error;
  }
}

function deliveryView(row: WebhookDeliveryRow) {
  return {
    id: row.id,
    webhook_id: row.webhook_id,
    event: row.event,
    payload: row.payload,
    status: row.status as (typeof deliveryStatuses)[number],
    attempts: row.attempts,
    http_status: row.http_status,
    response_body: row.response_body,
    last_error: row.last_error,
    last_attempt_at: row.last_attempt_at?.toISOString() ?? null,
    next_retry_at: row.next_retry_at?.toISOString() ?? null,
    redelivery_of: row.redelivery_of,
    created_at: row.created_at.toISOString(),
  };
}

function webhookView(row: WebhookRow) {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    enabled: row.enabled,
    disabled_at: row.disabled_at?.toISOString() ?? null,
    disabled_reason: row.disabled_reason,
    failing_since: row.failing_since?.toISOString() ?? null,
    created_by: row.created_by,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
