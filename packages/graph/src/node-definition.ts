import type { z } from 'zod';

/** Stages of `job_logs.stage`: where in making a video a node's work belongs. */
export type Stage = 'ingest' | 'script' | 'tts' | 'subtitle' | 'edit' | 'export';

/** The kinds of data that flow along edges. */
export type PortKind = 'footage' | 'script' | 'speech' | 'captions' | 'timeline' | 'render';

export interface InputPort {
  kind: PortKind;
  /** An optional input may be left unconnected. */
  optional?: boolean;
}

/**
 * How a node is retried inside one run of its job. Only failures whose code
 * is retryable (see the error registry) are tried again, and this is the only
 * place that retries them: providers make one call per try.
 */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** First delay; doubles per try, with jitter. A longer `Retry-After` from the provider wins, up to a cap. */
  backoffMs: number;
}

/**
 * What a node type is, as data: its name, stage, params schema, ports and
 * policy. Graph validation, the API and the scheduler need only this; the
 * worker pairs each definition with its implementation. Every node has one
 * output port, `output`, of kind `output`; its inputs are named ports. An edge
 * without `toPort` goes to the one input whose kind matches the source's output.
 */
export interface NodeDefinition<Params = any> {
  type: string;
  stage: Stage;
  description: string;
  params: z.ZodType<Params>;
  inputs: Record<string, InputPort>;
  output: PortKind;
  retry: RetryPolicy;
  timeoutMs: number;
}

/** Declares a node definition; a typed identity, so the definition reads as data. */
export function defineNode<Params>(definition: NodeDefinition<Params>): NodeDefinition<Params> {
  return definition;
}
