import { sql } from 'kysely';

/**
 * A select of `table`'s row revision, as `revision`: the transaction that last
 * wrote the row (xmin) and its updated_at to the microsecond. It changes with
 * every write, unlike updated_at alone (now() is when the writing transaction
 * began, and two transactions may begin in the same microsecond) or a version
 * number (a rename makes none). ETags are made from it.
 */
export function rowRevision(table: 'workflows' | 'templates') {
  return sql<string>`${sql.ref(`${table}.xmin`)}::text || '-' || floor(extract(epoch FROM ${sql.ref(`${table}.updated_at`)}) * 1000000)::bigint::text`.as(
    'revision',
  );
}
