import type { z } from 'zod';
import type { NodeContext, Stage } from './node-context';

/** The kinds of data that flow along edges (see artifact-types.ts). */
export type PortKind = 'footage' | 'script' | 'speech' | 'captions' | 'timeline' | 'render';

export interface InputPort {
  kind: PortKind;
  /** An optional input may be left unconnected. */
  optional?: boolean;
}

/** How a node is retried inside one job run, for transient failures only (bad input never retries). */
export interface RetryPolicy {
  attempts: number;
  /** First delay; doubles per attempt, with jitter. */
  backoffMs: number;
}

/**
 * A node type: data plus a function. Every node has one output port,
 * `output`, of kind `output`; its inputs are named ports. An edge without
 * `toPort` goes to the one input whose kind matches the source's output.
 */
export interface NodeType<Params = any, Inputs = any, Output = any> {
  type: string;
  stage: Stage;
  description: string;
  params: z.ZodType<Params>;
  inputs: Record<string, InputPort>;
  output: PortKind;
  retry: RetryPolicy;
  timeoutMs: number;
  run(ctx: NodeContext, inputs: Inputs, params: Params): Promise<Output>;
}

/** Declares a node type; a typed identity, so the definition reads as data. */
export function defineNodeType<Params, Inputs, Output>(definition: NodeType<Params, Inputs, Output>): NodeType<Params, Inputs, Output> {
  return definition;
}
