import { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import { FentaError, isRowId } from '@fenta/core';

/** The query of every list: `limit` (1–100, default 20) and the `cursor` the previous page handed out. */
export const pageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'How many items to return (at most 100).' }),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: 'The `next_cursor` of the previous page, unchanged.' })),
};

/** A page of a list: its items, newest first, and the cursor of the next page (null on the last). */
export function pageSchema<T extends TSchema>(item: T) {
  return Type.Object({ data: Type.Array(item), next_cursor: Type.Union([Type.String(), Type.Null()]) });
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/**
 * Where a page starts: lists are ordered by id, newest first, because every
 * id is `<prefix>_<uuid v7>` and sorts in creation order, so one indexed
 * column is the whole keyset. The cursor is opaque to clients and names its
 * list, so a cursor of one list is refused by another.
 */
export function decodeCursor(list: string, cursor: string | undefined, idPrefix: string): string | undefined {
  if (cursor === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new FentaError('CURSOR_INVALID', {}, { details: { path: 'querystring.cursor' } });
  }
  const { l, after } = (decoded ?? {}) as { l?: unknown; after?: unknown };
  if (l !== list || !isRowId(after, idPrefix)) throw new FentaError('CURSOR_INVALID', {}, { details: { path: 'querystring.cursor' } });
  return after;
}

/** The page for rows fetched with `limit + 1` (the extra row only says whether there is a next page). */
export function toPage<Row extends { id: string }, Item>(list: string, rows: Row[], limit: number, toItem: (row: Row) => Item): Page<Item> {
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    data: shown.map(toItem),
    next_cursor: rows.length > limit && last ? Buffer.from(JSON.stringify({ l: list, after: last.id })).toString('base64url') : null,
  };
}

export type PageQuery = Static<TObject<typeof pageQuery>>;
