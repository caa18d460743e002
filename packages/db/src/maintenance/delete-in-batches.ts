/**
 * Runs `deleteBatch` (which removes at most `limit` rows) until a batch comes
 * back short; returns how many rows went. Pruning in batches keeps each
 * statement's locks and WAL small however large the backlog is.
 */
export async function deleteInBatches(batchSize: number, deleteBatch: (limit: number) => Promise<number>): Promise<number> {
  let removed = 0;
  for (;;) {
    const count = await deleteBatch(batchSize);
    removed += count;
    if (count < batchSize) return removed;
  }
}
