import { z } from 'zod';

/** The shape of a workflow graph (seed 000): nodes with typed params, edges between them. */
export const workflowGraphSchema = z.object({
  nodes: z
    .array(
      z.object({
        id: z.string().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
        type: z.string().min(1, 'must not be empty'),
        params: z.record(z.string(), z.unknown()).default({}),
        position: z.object({ x: z.number(), y: z.number() }).optional(),
      }),
    )
    .min(1, 'must have at least one node')
    .max(100, 'must have at most 100 nodes'),
  edges: z
    .array(
      z.object({
        id: z.string().min(1).optional(),
        from: z.string().min(1, 'must name a node'),
        to: z.string().min(1, 'must name a node'),
        fromPort: z.string().min(1).optional(),
        toPort: z.string().min(1).optional(),
      }),
    )
    .max(500, 'must have at most 500 edges')
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
