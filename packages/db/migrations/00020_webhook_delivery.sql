-- 00020_webhook_delivery.sql
-- Sending webhooks: what the scheduler's sender needs to deliver each event
-- once at a time, sign it with a secret being rotated, and give up on an
-- endpoint that keeps failing; and what a tenant may ask of it.
--
-- webhook_deliveries
--   lease_token / leased_until  a sender claims a due delivery by setting
--               both (FOR UPDATE SKIP LOCKED); only the holder of the token
--               records the attempt, and a claim that is not recorded by
--               leased_until (the sender died) may be taken again.
--   last_error  why the last attempt failed when there was no HTTP answer
--               (refused address, timeout, connection reset).
--   redelivery_of  the delivery a tenant asked to send again: a new row
--               with its own attempts, sent under the first one's id (the
--               webhook-id header), so a receiver that saw it can tell.
--
-- webhooks
--   previous_secret / previous_secret_expires_at  rotating the secret keeps
--               the old one signing beside the new one for 24 hours, so a
--               receiver can switch over without losing a delivery. Set by a
--               trigger (a tenant cannot read the secret to copy it) and
--               never readable by a tenant.
--   failing_since  when the endpoint's current run of failed attempts
--               began; cleared by a success. Five days of it disable the
--               endpoint.
--   disabled_at / disabled_reason  set when the sender disables the
--               endpoint (410 Gone, five days of failures); cleared when a
--               tenant enables it again.
--
-- The outbox: fenta_enqueue_webhook_deliveries() inserts a pending delivery
-- of an event for every enabled endpoint of the org subscribed to it, in the
-- caller's transaction. job.progress (a node finished) and
-- workflow.run.finished (a job ended: completed, failed or cancelled) are
-- written by a trigger on job_events, so every writer of a job's state sends
-- them in the transaction of the change; render.succeeded, render.failed and
-- schedule.skipped are sent by the code that decides them.
--
-- Deliveries are the system's to write (00009): redelivering and sending a
-- test event go through the SECURITY DEFINER functions below, which check
-- the caller's role themselves.

ALTER TABLE webhook_deliveries
  ADD COLUMN lease_token   UUID,
  ADD COLUMN leased_until  TIMESTAMPTZ,
  ADD COLUMN last_error    TEXT,
  ADD COLUMN redelivery_of VARCHAR(255) REFERENCES webhook_deliveries (id) ON DELETE SET NULL;

COMMENT ON COLUMN webhook_deliveries.lease_token IS
  'The claim of the sender attempting this delivery now; only its holder records the attempt.';
COMMENT ON COLUMN webhook_deliveries.leased_until IS
  'When an unrecorded claim lapses (the sender died) and another sender may take the delivery.';
COMMENT ON COLUMN webhook_deliveries.last_error IS
  'Why the last attempt failed when there was no HTTP answer.';
COMMENT ON COLUMN webhook_deliveries.redelivery_of IS
  'The delivery this one sends again (its id is the webhook-id header).';

ALTER TABLE webhooks
  ADD COLUMN previous_secret            VARCHAR(255),
  ADD COLUMN previous_secret_expires_at TIMESTAMPTZ,
  ADD COLUMN failing_since              TIMESTAMPTZ,
  ADD COLUMN disabled_at                TIMESTAMPTZ,
  ADD COLUMN disabled_reason            TEXT;

COMMENT ON COLUMN webhooks.previous_secret IS
  'The secret before the last rotation: deliveries are signed with it too until previous_secret_expires_at.';
COMMENT ON COLUMN webhooks.failing_since IS
  'Start of the endpoint''s current run of failed attempts; NULL after a success.';
COMMENT ON COLUMN webhooks.disabled_reason IS
  'Why the sender disabled the endpoint (410 Gone, failing for five days); NULL once enabled again.';

-- The redeliveries of a delivery (found when it is deleted, ON DELETE SET
-- NULL). The sender's question "which pending deliveries are due" is
-- idx_webhook_deliveries_pending (00008).
CREATE INDEX idx_webhook_deliveries_redelivery_of ON webhook_deliveries (redelivery_of);
-- A webhook's deliveries newest first, paged by id.
CREATE INDEX idx_webhook_deliveries_webhook_id_id ON webhook_deliveries (webhook_id, id);

-- Outbox ----------------------------------------------------------------------
CREATE OR REPLACE FUNCTION fenta_enqueue_webhook_deliveries(p_org_id text, p_event text, p_payload jsonb)
RETURNS integer
LANGUAGE sql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
  WITH queued AS (
    INSERT INTO webhook_deliveries (webhook_id, event, payload, status, next_retry_at)
    SELECT w.id, p_event, p_payload, 'pending', now()
    FROM webhooks w
    WHERE w.org_id = p_org_id AND w.enabled AND p_event = ANY (w.events)
    RETURNING 1
  )
  SELECT count(*)::integer FROM queued
$$;

COMMENT ON FUNCTION fenta_enqueue_webhook_deliveries(text, text, jsonb) IS
  'Queues an event for every enabled endpoint of the org subscribed to it (the outbox); returns how many.';

CREATE OR REPLACE FUNCTION fenta_job_event_webhooks()
RETURNS trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
  j jobs%ROWTYPE;
BEGIN
  IF NEW.type = 'node.finished' THEN
    SELECT * INTO j FROM jobs WHERE id = NEW.job_id;
    PERFORM fenta_enqueue_webhook_deliveries(NEW.org_id, 'job.progress', jsonb_build_object(
      'event', 'job.progress', 'job_id', NEW.job_id, 'org_id', NEW.org_id, 'progress', j.progress,
      'node_id', NEW.data->'node_id', 'node_type', NEW.data->'node_type'));
  ELSIF NEW.type IN ('job.completed', 'job.failed', 'job.cancelled') THEN
    SELECT * INTO j FROM jobs WHERE id = NEW.job_id;
    IF j.workflow_id IS NOT NULL THEN
      PERFORM fenta_enqueue_webhook_deliveries(NEW.org_id, 'workflow.run.finished', jsonb_build_object(
        'event', 'workflow.run.finished', 'workflow_id', j.workflow_id, 'job_id', NEW.job_id, 'org_id', NEW.org_id,
        'schedule_id', j.schedule_id, 'status', j.status, 'result', j.result, 'error', j.error));
    END IF;
  END IF;
  RETURN NULL;
END
$$;

COMMENT ON FUNCTION fenta_job_event_webhooks() IS
  'Sends job.progress when a node finishes and workflow.run.finished when a workflow''s job ends, in the transaction of the event.';

CREATE TRIGGER trg_job_events_webhooks AFTER INSERT ON job_events
  FOR EACH ROW WHEN (NEW.type IN ('node.finished', 'job.completed', 'job.failed', 'job.cancelled'))
  EXECUTE FUNCTION fenta_job_event_webhooks();

-- Rotation and re-enabling --------------------------------------------------
CREATE OR REPLACE FUNCTION fenta_webhook_secret_rotation()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  IF NEW.secret IS DISTINCT FROM OLD.secret THEN
    NEW.previous_secret := OLD.secret;
    NEW.previous_secret_expires_at := now() + interval '24 hours';
  END IF;
  IF NEW.enabled AND NOT OLD.enabled THEN
    NEW.disabled_at := NULL;
    NEW.disabled_reason := NULL;
    NEW.failing_since := NULL;
  END IF;
  RETURN NEW;
END
$$;

COMMENT ON FUNCTION fenta_webhook_secret_rotation() IS
  'Keeps a rotated-out secret signing for 24 hours; an endpoint enabled again starts with a clean record.';

CREATE TRIGGER trg_webhooks_secret_rotation BEFORE UPDATE ON webhooks
  FOR EACH ROW EXECUTE FUNCTION fenta_webhook_secret_rotation();

-- Tenant requests -------------------------------------------------------------

-- Sends a finished delivery again, as a new pending delivery under the same
-- webhook-id. NULL when the delivery is not the caller's to see; raises
-- 'object_not_in_prerequisite_state' when it is still pending or its
-- endpoint is disabled.
CREATE OR REPLACE FUNCTION fenta_redeliver_webhook(p_delivery_id text)
RETURNS SETOF webhook_deliveries
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
  d webhook_deliveries%ROWTYPE;
  v_org text;
  v_enabled boolean;
BEGIN
  SELECT wd.* INTO d FROM webhook_deliveries wd WHERE wd.id = p_delivery_id;
  IF NOT FOUND THEN RETURN; END IF;
  SELECT w.org_id, w.enabled INTO v_org, v_enabled FROM webhooks w WHERE w.id = d.webhook_id FOR SHARE;
  IF fenta_acting_as_tenant() AND v_org NOT IN (SELECT fenta_org_ids_with_role(ARRAY['owner', 'admin', 'editor'])) THEN
    IF v_org IN (SELECT fenta_member_org_ids()) THEN
      RAISE EXCEPTION 'permission denied to redeliver %', p_delivery_id USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN;
  END IF;
  IF d.status = 'pending' THEN
    RAISE EXCEPTION 'delivery % is still pending', p_delivery_id USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'pending';
  END IF;
  IF NOT v_enabled THEN
    RAISE EXCEPTION 'webhook % is disabled', d.webhook_id USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'disabled';
  END IF;
  RETURN QUERY
    INSERT INTO webhook_deliveries (webhook_id, event, payload, status, next_retry_at, redelivery_of)
    VALUES (d.webhook_id, d.event, d.payload, 'pending', now(), COALESCE(d.redelivery_of, d.id))
    RETURNING *;
END
$$;

COMMENT ON FUNCTION fenta_redeliver_webhook(text) IS
  'Queues a finished delivery again (a new row under the first one''s webhook-id) for an owner, admin or editor of its org.';

-- Queues a webhook.test event to one endpoint, whatever events it
-- subscribes to. NULL when the webhook is not the caller's to see; raises
-- 'object_not_in_prerequisite_state' when it is disabled.
CREATE OR REPLACE FUNCTION fenta_send_test_webhook(p_webhook_id text)
RETURNS SETOF webhook_deliveries
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
  v_org text;
  v_enabled boolean;
BEGIN
  SELECT w.org_id, w.enabled INTO v_org, v_enabled FROM webhooks w WHERE w.id = p_webhook_id FOR SHARE;
  IF NOT FOUND THEN RETURN; END IF;
  IF fenta_acting_as_tenant() AND v_org NOT IN (SELECT fenta_org_ids_with_role(ARRAY['owner', 'admin', 'editor'])) THEN
    IF v_org IN (SELECT fenta_member_org_ids()) THEN
      RAISE EXCEPTION 'permission denied to test %', p_webhook_id USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN;
  END IF;
  IF NOT v_enabled THEN
    RAISE EXCEPTION 'webhook % is disabled', p_webhook_id USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'disabled';
  END IF;
  RETURN QUERY
    INSERT INTO webhook_deliveries (webhook_id, event, payload, status, next_retry_at)
    VALUES (p_webhook_id, 'webhook.test',
            jsonb_build_object('event', 'webhook.test', 'org_id', v_org, 'webhook_id', p_webhook_id, 'sent_at', now()),
            'pending', now())
    RETURNING *;
END
$$;

COMMENT ON FUNCTION fenta_send_test_webhook(text) IS
  'Queues a webhook.test delivery to an enabled endpoint for an owner, admin or editor of its org.';

-- Privileges ----------------------------------------------------------------
-- The new columns a tenant may read; previous_secret stays closed like
-- secret (00009). A tenant may change url, events, enabled and the secret
-- (rotation), nothing the sender keeps.
DO $$
DECLARE
  v_role text;
  v_function text;
BEGIN
  FOREACH v_role IN ARRAY ARRAY['fenta_app', 'anon', 'authenticated'] LOOP
    CONTINUE WHEN NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_role);
    EXECUTE format('GRANT SELECT (failing_since, disabled_at, disabled_reason) ON webhooks TO %I', v_role);
    EXECUTE format('REVOKE UPDATE ON webhooks FROM %I', v_role);
    EXECUTE format('GRANT UPDATE (url, events, enabled, secret) ON webhooks TO %I', v_role);
  END LOOP;

  -- The outbox is the system's: no tenant role may queue an event.
  FOREACH v_function IN ARRAY ARRAY['fenta_enqueue_webhook_deliveries(text, text, jsonb)', 'fenta_job_event_webhooks()'] LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', v_function);
    FOREACH v_role IN ARRAY ARRAY['fenta_app', 'anon', 'authenticated'] LOOP
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_role) THEN
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM %I', v_function, v_role);
      END IF;
    END LOOP;
  END LOOP;

  FOREACH v_function IN ARRAY ARRAY['fenta_redeliver_webhook(text)', 'fenta_send_test_webhook(text)'] LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', v_function);
    FOREACH v_role IN ARRAY ARRAY['anon', 'authenticated'] LOOP
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = v_role) THEN
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM %I', v_function, v_role);
      END IF;
    END LOOP;
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO fenta_app', v_function);
  END LOOP;
END
$$;
