-- 00012_api_audit.sql
-- What the HTTP API needs of the database beyond 00011.
--
-- Audit trail: every write a tenant makes through the API lands in
-- audit_logs in the same transaction as the write itself, so an audited
-- change never commits without its entry and no entry outlives a rolled-back
-- change. Tenants have no privilege on audit_logs (00009); the API's
-- transaction runs as fenta_app, so it records through this one function,
-- which writes only as the current user and only in an org that user belongs
-- to: a tenant can neither forge another user's entry nor write into an org
-- that is not theirs.

CREATE OR REPLACE FUNCTION fenta_record_audit(
  p_org_id        text,
  p_action        text,
  p_resource_type text,
  p_resource_id   text,
  p_changes       jsonb,
  p_ip_address    text,
  p_user_agent    text,
  p_metadata      jsonb DEFAULT '{}'
)
RETURNS text
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
  v_user text := fenta_current_user_id();
  v_id text;
  v_ip inet;
BEGIN
  IF v_user IS NULL OR p_org_id IS NULL OR fenta_member_role(p_org_id) IS NULL THEN
    RAISE EXCEPTION 'fenta_record_audit: the current user is not a member of org %', p_org_id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- An address that does not parse is dropped rather than failing the write it records.
  BEGIN
    v_ip := p_ip_address::inet;
  EXCEPTION WHEN invalid_text_representation THEN
    v_ip := NULL;
  END;
  INSERT INTO audit_logs (org_id, user_id, action, resource_type, resource_id, changes, ip_address, user_agent, metadata)
  VALUES (
    p_org_id, v_user, p_action, p_resource_type, p_resource_id, p_changes,
    v_ip,
    left(p_user_agent, 1000), COALESCE(p_metadata, '{}')
  )
  RETURNING id INTO v_id;
  RETURN v_id;
END
$$;

COMMENT ON FUNCTION fenta_record_audit(text, text, text, text, jsonb, text, text, jsonb) IS
  'Records an audit entry as the current user, in an org they are a member of; the tenants'' one way into audit_logs.';

REVOKE ALL ON FUNCTION fenta_record_audit(text, text, text, text, jsonb, text, text, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION fenta_record_audit(text, text, text, text, jsonb, text, text, jsonb) TO fenta_app;
