import { z } from 'zod';

// Ids are checked against the id grammar by validateGraph, which names the
// node; the schema only bounds them, so a huge string never reaches a message.
const id = z.string().min(1, 'must not be empty').max(1_000, 'must be at most 1000 characters');

/** The shape of a workflow graph (seed 000): nodes with typed params, edges between them. */
export const workflowGraphSchema = z.object({
  nodes: z
    .array(
      z.object({
        id,
        type: z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
        params: z.record(z.string(), z.unknown()).default({}),
        position: z.object({ x: z.number(), y: z.number() }).optional(),
      }),
    )
    .min(1, 'must have at least one node'),
  edges: z
    .array(
      z.object({
        id: id.optional(),
        from: id,
        to: id,
        fromPort: z.string().min(1).max(64).optional(),
        toPort: z.string().min(1).max(64).optional(),
      }),
    )
    .default([]),
});

export type WorkflowGraph = z.infer<typeof workflowGraphSchema>;
export type GraphNode = WorkflowGraph['nodes'][number];
export type GraphEdge = WorkflowGraph['edges'][number];

/** Formats a zod issue path the way error messages show it: `nodes[2].params.speed`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((text, part) => {
    if (typeof part === 'number') return `${text}[${part}]`;
    return text ? `${text}.${String(part)}` : String(part);
  }, '');
}
