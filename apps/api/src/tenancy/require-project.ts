import type { Transaction } from 'kysely';
import { FentaError } from '@fenta/core';
import { projectExists, type DB } from '@fenta/db';

/**
 * Refuses a project_id that is not one of the org's projects with
 * PROJECT_NOT_FOUND, before the write: the composite key (project_id, org_id)
 * would refuse it too, but as a constraint error naming no field.
 */
export async function requireProject(trx: Transaction<DB>, orgId: string, projectId: string | null | undefined): Promise<void> {
  if (projectId === null || projectId === undefined) return;
  if (!(await projectExists(trx, orgId, projectId))) {
    throw new FentaError('PROJECT_NOT_FOUND', { project: projectId }, { details: { path: 'body.project_id' } });
  }
}
