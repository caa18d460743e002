import type { NodeDefinition } from '@fenta/graph';
import type { NodeContext } from './node-context';

/**
 * A node type: its definition (data, from @fenta/graph) plus the function
 * that does the work. `run` gets the node's context, the outputs of the nodes
 * feeding its inputs, and its params after the definition's schema applied
 * defaults.
 */
export interface NodeType<Params = any, Inputs = any, Output = any> extends NodeDefinition<Params> {
  run(ctx: NodeContext, inputs: Inputs, params: Params): Promise<Output>;
  /**
   * The node keeps every core busy (an ffmpeg render): a worker runs as many
   * such nodes at once as it has render slots (ExecutorDeps.renderSlots).
   */
  rendersOnAllCores?: boolean;
}

/** Declares a node type; a typed identity. Built-in types spread their definition: `{ ...fooDefinition, run }`. */
export function defineNodeType<Params, Inputs, Output>(nodeType: NodeType<Params, Inputs, Output>): NodeType<Params, Inputs, Output> {
  return nodeType;
}
