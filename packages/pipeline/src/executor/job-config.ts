import { z } from 'zod';
import { FentaError } from '@fenta/core';
import { formatPath } from '../graph/workflow-graph';

/**
 * `jobs.config`: a frozen snapshot taken when the job was created, so a job
 * runs what was asked even if the workflow or template changes afterwards.
 */
export const jobConfigSchema = z.object({
  graph: z.unknown(),
  variables: z.record(z.string(), z.unknown()).default({}),
  /** The templates the graph names, as they were at creation. */
  templates: z
    .record(z.string(), z.object({ id: z.string(), name: z.string(), aspect: z.string(), resolution: z.string(), spec: z.unknown() }))
    .default({}),
  workflow: z.object({ id: z.string(), version: z.number().int().nullable() }).optional(),
});

export type JobConfig = z.infer<typeof jobConfigSchema>;

export function parseJobConfig(config: unknown): JobConfig {
  const result = jobConfigSchema.safeParse(config);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new FentaError('GRAPH_SHAPE_INVALID', { path: `config.${formatPath(issue.path)}`, reason: issue.message });
}
