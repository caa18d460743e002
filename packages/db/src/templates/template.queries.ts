import { sql, type Kysely, type Transaction } from 'kysely';
import { rowRevision } from '../revisions/row-revision';
import type { DB, Template } from '../schema/tables';

type Db = Kysely<DB> | Transaction<DB>;

/** The layout fields and spec of the templates among `ids` that an org may use: its own and the public ones. */
export async function findVisibleTemplates(db: Db, orgId: string, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('templates')
    .select(['id', 'name', 'aspect', 'resolution', 'spec'])
    .where('id', 'in', ids)
    .where('deleted_at', 'is', null)
    .where((eb) => eb.or([eb('org_id', '=', orgId), eb('is_public', '=', true)]))
    .execute();
}

/** A template with the revision of its row (see rowRevision): what an ETag is made from. */
export type TemplateRecord = Template & { revision: string };

export interface NewTemplateInput {
  orgId: string;
  projectId: string | null;
  name: string;
  description: string | null;
  aspect: string;
  resolution: string;
  thumbnailUrl: string | null;
  spec: unknown;
  createdBy: string;
}

export interface TemplateChanges {
  name?: string;
  description?: string | null;
  projectId?: string | null;
  aspect?: string;
  resolution?: string;
  thumbnailUrl?: string | null;
  spec?: unknown;
}

function selectTemplates(db: Db) {
  return db.selectFrom('templates').selectAll('templates').select(rowRevision('templates'));
}

/** The template with this id if the org may see it (its own or a public one), unless it is deleted. */
export async function findVisibleTemplate(db: Db, orgId: string, id: string): Promise<TemplateRecord | undefined> {
  return selectTemplates(db)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .where((eb) => eb.or([eb('org_id', '=', orgId), eb('is_public', '=', true)]))
    .executeTakeFirst();
}

/** The org's own template, locked for the rest of the transaction, as it is once the lock is held. */
export async function lockOwnTemplate(trx: Transaction<DB>, orgId: string, id: string): Promise<TemplateRecord | undefined> {
  const locked = await trx
    .selectFrom('templates')
    .select('id')
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .where('deleted_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();
  return locked ? findVisibleTemplate(trx, orgId, id) : undefined;
}

/** The templates an org may use (its own and the public ones), newest first, `limit + 1` of them. */
export async function listVisibleTemplates(db: Db, orgId: string, options: { before?: string; limit: number }): Promise<TemplateRecord[]> {
  let query = selectTemplates(db)
    .where('deleted_at', 'is', null)
    .where((eb) => eb.or([eb('org_id', '=', orgId), eb('is_public', '=', true)]));
  if (options.before !== undefined) query = query.where('id', '<', options.before);
  return query
    .orderBy('id', 'desc')
    .limit(options.limit + 1)
    .execute();
}

/** Inserts one of the org's own templates (never public: publishing is the system's). */
export async function insertTemplate(trx: Transaction<DB>, input: NewTemplateInput): Promise<TemplateRecord> {
  const { id } = await trx
    .insertInto('templates')
    .values({
      org_id: input.orgId,
      project_id: input.projectId,
      name: input.name,
      description: input.description,
      aspect: input.aspect,
      resolution: input.resolution,
      thumbnail_url: input.thumbnailUrl,
      spec: JSON.stringify(input.spec),
      created_by: input.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return (await findVisibleTemplate(trx, input.orgId, id))!;
}

/** Writes `changes` to the org's template (held with lockOwnTemplate) and returns it as it is now. */
export async function updateTemplate(trx: Transaction<DB>, orgId: string, id: string, changes: TemplateChanges): Promise<TemplateRecord> {
  await trx
    .updateTable('templates')
    .set({
      ...(changes.name !== undefined && { name: changes.name }),
      ...(changes.description !== undefined && { description: changes.description }),
      ...(changes.projectId !== undefined && { project_id: changes.projectId }),
      ...(changes.aspect !== undefined && { aspect: changes.aspect }),
      ...(changes.resolution !== undefined && { resolution: changes.resolution }),
      ...(changes.thumbnailUrl !== undefined && { thumbnail_url: changes.thumbnailUrl }),
      ...(changes.spec !== undefined && { spec: JSON.stringify(changes.spec) }),
    })
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .executeTakeFirstOrThrow();
  return (await findVisibleTemplate(trx, orgId, id))!;
}

/** Marks the org's template deleted: it is no longer listed, found, or usable by new jobs. */
export async function softDeleteTemplate(trx: Transaction<DB>, orgId: string, id: string): Promise<void> {
  await trx
    .updateTable('templates')
    .set({ deleted_at: sql`now()` })
    .where('id', '=', id)
    .where('org_id', '=', orgId)
    .where('deleted_at', 'is', null)
    .execute();
}
