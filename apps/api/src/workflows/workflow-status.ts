import { FentaError } from '@fenta/core';

/** A workflow's statuses in lifecycle order (seed 000; the CHECK constraint of 00003 holds the same list). */
export const workflowStatuses = ['draft', 'confirmed', 'preview', 'production', 'archived'] as const;
export type WorkflowStatus = (typeof workflowStatuses)[number];

/**
 * Where each status may go. Forward one step at a time, except that preview
 * may be skipped (seed 001's lifecycle has none); back to draft to rework
 * anything not yet in production; production only back to preview (to check
 * a change again before it goes live) or on to archived; archived only back
 * to draft, so a restored workflow is confirmed again before it runs live.
 * Anything but archived may be archived.
 */
const allowedMoves: Record<WorkflowStatus, readonly WorkflowStatus[]> = {
  draft: ['confirmed', 'archived'],
  confirmed: ['draft', 'preview', 'production', 'archived'],
  preview: ['draft', 'confirmed', 'production', 'archived'],
  production: ['preview', 'archived'],
  archived: ['draft'],
};

/** Refuses a move the lifecycle does not allow with WORKFLOW_STATUS_TRANSITION_INVALID; staying put is not a move. */
export function checkStatusMove(workflowId: string, from: string, to: WorkflowStatus): void {
  if (from === to) return;
  const allowed = isWorkflowStatus(from) ? allowedMoves[from] : [];
  if (allowed.includes(to)) return;
  throw new FentaError(
    'WORKFLOW_STATUS_TRANSITION_INVALID',
    { workflow: workflowId, from, to, allowed: allowed.join(', ') || 'nothing' },
    { details: { from, to, allowed } },
  );
}

function isWorkflowStatus(value: string): value is WorkflowStatus {
  return (workflowStatuses as readonly string[]).includes(value);
}
