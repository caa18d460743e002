import { z } from 'zod';
import { FentaError } from '@fenta/core';
import { formatPath } from '@fenta/graph';

/** What a template looks like to a job: the row's layout fields and its spec. */
export interface TemplateRecord {
  id: string;
  name: string;
  aspect: string;
  resolution: string;
  spec: unknown;
}

/**
 * `jobs.config`: a frozen snapshot taken when the job was created, so a job
 * runs what was asked even if the workflow or template changes afterwards.
 */
export const jobConfigSchema = z.object({
  graph: z.unknown(),
  variables: z.record(z.string(), z.unknown()).default({}),
  /** The templates the graph names, as they were at creation. */
  templates: z.record(z.string(), z.object({ id: z.string(), name: z.string(), aspect: z.string(), resolution: z.string(), spec: z.unknown() })).default({}),
  workflow: z.object({ id: z.string(), version: z.number().int().nullable() }).optional(),
});

export type JobConfig = z.infer<typeof jobConfigSchema>;

/** Reads a job's frozen config; a malformed one is GRAPH_SHAPE_INVALID at `config.<path>`. */
export function parseJobConfig(config: unknown): JobConfig {
  const result = jobConfigSchema.safeParse(config);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new FentaError('GRAPH_SHAPE_INVALID', { path: `config.${formatPath(issue.path)}`, reason: issue.message });
}
