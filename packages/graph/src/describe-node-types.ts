import { z } from 'zod';
import type { NodeDefinition, PortKind, Stage } from './node-definition';
import type { NodeDefinitionRegistry } from './node-definition-registry';

/** A JSON Schema document, as plain JSON. */
export type JsonSchema = { [keyword: string]: unknown };

/**
 * A node type as a UI needs it to build graphs (`GET /v1/node-types`): what
 * it does, the params it takes as JSON Schema, its ports and its policy.
 * Plain JSON in snake_case, like the rest of the API.
 */
export interface NodeTypeDescription {
  type: string;
  stage: Stage;
  description: string;
  /** The params a graph may give, with their defaults; a param with a default is not required. */
  params: JsonSchema;
  /** Input ports by name, in the definition's order. An edge without `toPort` goes to the input of its kind. */
  inputs: Record<string, { kind: PortKind; optional: boolean }>;
  /** The one output port, `output`. */
  output: { kind: PortKind };
  retry: { attempts: number; backoff_ms: number };
  timeout_ms: number;
}

/** Every node type of the registry, by type name. */
export function describeNodeTypes(registry: NodeDefinitionRegistry): NodeTypeDescription[] {
  return registry.types().map((type) => describeNodeType(registry.get(type)!));
}

export function describeNodeType(definition: NodeDefinition): NodeTypeDescription {
  return {
    type: definition.type,
    stage: definition.stage,
    description: definition.description,
    params: paramsJsonSchema(definition),
    inputs: Object.fromEntries(Object.entries(definition.inputs).map(([port, spec]) => [port, { kind: spec.kind, optional: spec.optional ?? false }])),
    output: { kind: definition.output },
    retry: { attempts: definition.retry.attempts, backoff_ms: definition.retry.backoffMs },
    timeout_ms: definition.timeoutMs,
  };
}

/**
 * The params schema as a graph writes it: the input side, so defaults show and
 * a param with one is not required (the output side would require it).
 * Draft-07, the draft Fastify's ajv and most form builders read without being
 * told. A param JSON Schema cannot say (a date, a custom check) becomes `{}`,
 * accepting anything, rather than failing the whole catalogue: validateGraph
 * still checks it with the zod schema, and a test keeps the built-in types
 * fully described.
 */
function paramsJsonSchema(definition: NodeDefinition): JsonSchema {
  const schema = z.toJSONSchema(definition.params, { target: 'draft-07', io: 'input', unrepresentable: 'any' });
  // A fresh plain copy: nothing of zod's objects is shared with, or changed by, a caller.
  return JSON.parse(JSON.stringify(schema)) as JsonSchema;
}
