import { sql, type Kysely, type Transaction } from 'kysely';
import { rowRevision } from '../revisions/row-revision';
import type { DB, Workflow, WorkflowVersion } from '../schema/tables';

type Db = Kysely<DB> | Transaction<DB>;

/** A workflow with the number of its latest version and the revision of its row. */
export type WorkflowRecord = Workflow & {
  /** The latest entry of workflow_versions (null only for a workflow made outside the API without one). */
  version: number | null;
  /** Changes with every write of the row (see rowRevision): what an ETag is made from. */
  revision: string;
};

export interface WorkflowListOptions {
  status?: string;
  /** Only ids below this one (the page's cursor). */
  before?: string;
  limit: number;
}

export interface NewWorkflowInput {
  orgId: string;
  projectId: string | null;
  name: string;
  description: string | null;
  graph: unknown;
  variables: Record<string, unknown>;
  createdBy: string;
}

export interface WorkflowChanges {
  name?: string;
  description?: string | null;
  projectId?: string | null;
  status?: string;
  graph?: unknown;
  variables?: Record<string, unknown>;
}

function selectWorkflows(db: Db) {
  return db
    .selectFrom('workflows')
    .selectAll('workflows')
    .select((eb) => [
      eb
        .selectFrom('workflow_versions')
        .select((inner) => inner.fn.max<number | null>('workflow_versions.version').as('v'))
        .whereRef('workflow_versions.workflow_id', '=', 'workflows.id')
        .as('version'),
      rowRevision('workflows'),
    ]);
}

/** The org's workflow with this id, unless it is deleted. */
export async function findWorkflow(db: Db, orgId: string, id: string): Promise<WorkflowRecord | undefined> {
  return selectWorkflows(db).where('workflows.id', '=', id).where('workflows.org_id', '=', orgId).where('workflows.deleted_at', 'is', null).executeTakeFirst();
}

/**
 * Locks the org's workflow for the rest of the transaction and returns it as
 * it is once the lock is held. Every write of a workflow and of its versions
 * takes this lock first, so concurrent writes of one workflow queue up, and
 * each reads (in a statement of its own, with a snapshot taken after the
 * wait) the version the previous one committed.
 */
export async function lockWorkflow(trx: Transaction<DB>, orgId: string, id: string): Promise<WorkflowRecord | undefined> {
  const locked = await trx
    .selectFrom('workflows')
    .select('id')
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .where('deleted_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();
  return locked ? findWorkflow(trx, orgId, id) : undefined;
}

/** The org's workflows, newest first, `limit + 1` of them (the extra one says whether a next page exists). */
export async function listWorkflows(db: Db, orgId: string, options: WorkflowListOptions): Promise<WorkflowRecord[]> {
  let query = selectWorkflows(db).where('workflows.org_id', '=', orgId).where('workflows.deleted_at', 'is', null);
  if (options.status !== undefined) query = query.where('workflows.status', '=', options.status);
  if (options.before !== undefined) query = query.where('workflows.id', '<', options.before);
  return query
    .orderBy('workflows.id', 'desc')
    .limit(options.limit + 1)
    .execute();
}

/** Inserts a workflow and its version 1, in the caller's transaction. */
export async function insertWorkflow(trx: Transaction<DB>, input: NewWorkflowInput): Promise<WorkflowRecord> {
  const { id } = await trx
    .insertInto('workflows')
    .values({
      org_id: input.orgId,
      project_id: input.projectId,
      name: input.name,
      description: input.description,
      graph: JSON.stringify(input.graph),
      variables: JSON.stringify(input.variables),
      created_by: input.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await insertNextWorkflowVersion(trx, { workflowId: id, graph: input.graph, variables: input.variables, createdBy: input.createdBy });
  return (await findWorkflow(trx, input.orgId, id))!;
}

/** Writes `changes` to the workflow (held with lockWorkflow) and returns it as it is now. */
export async function updateWorkflow(trx: Transaction<DB>, orgId: string, id: string, changes: WorkflowChanges): Promise<WorkflowRecord> {
  await trx
    .updateTable('workflows')
    .set({
      ...(changes.name !== undefined && { name: changes.name }),
      ...(changes.description !== undefined && { description: changes.description }),
      ...(changes.projectId !== undefined && { project_id: changes.projectId }),
      ...(changes.status !== undefined && { status: changes.status }),
      ...(changes.graph !== undefined && { graph: JSON.stringify(changes.graph) }),
      ...(changes.variables !== undefined && { variables: JSON.stringify(changes.variables) }),
    })
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return (await findWorkflow(trx, orgId, id))!;
}

/**
 * Adds the workflow's next version (its latest + 1, or 1). The number is read
 * in the insert itself; callers hold the workflow's lock (lockWorkflow, or a
 * workflow their transaction has just made), so no two writers read the same
 * latest version. UNIQUE (workflow_id, version) stays the backstop.
 */
export async function insertNextWorkflowVersion(
  trx: Transaction<DB>,
  input: { workflowId: string; graph: unknown; variables: Record<string, unknown>; createdBy: string },
): Promise<WorkflowVersion> {
  return trx
    .insertInto('workflow_versions')
    .columns(['workflow_id', 'version', 'graph', 'variables', 'created_by'])
    .expression((eb) =>
      eb
        .selectFrom('workflow_versions')
        .select([
          sql.val(input.workflowId).as('workflow_id'),
          sql<number>`COALESCE(max(version), 0) + 1`.as('version'),
          sql.val(JSON.stringify(input.graph)).as('graph'),
          sql.val(JSON.stringify(input.variables)).as('variables'),
          sql.val(input.createdBy).as('created_by'),
        ])
        .where('workflow_id', '=', input.workflowId),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Marks the workflow deleted; from then on it is found by none of these queries. */
export async function softDeleteWorkflow(trx: Transaction<DB>, orgId: string, id: string): Promise<void> {
  await trx
    .updateTable('workflows')
    .set({ deleted_at: sql`now()` })
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .where('deleted_at', 'is', null)
    .execute();
}

/** A workflow's versions, newest first, `limit + 1` of them. Callers check the workflow is the org's first. */
export async function listWorkflowVersions(db: Db, workflowId: string, options: { before?: string; limit: number }): Promise<WorkflowVersion[]> {
  let query = db.selectFrom('workflow_versions').selectAll().where('workflow_id', '=', workflowId);
  if (options.before !== undefined) query = query.where('id', '<', options.before);
  return query
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
}

/** One version of a workflow, by its number. */
export async function findWorkflowVersion(db: Db, workflowId: string, version: number): Promise<WorkflowVersion | undefined> {
  return db.selectFrom('workflow_versions').selectAll().where('workflow_id', '=', workflowId).where('version', '=', version).executeTakeFirst();
}
