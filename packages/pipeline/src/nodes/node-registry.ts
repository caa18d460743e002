import { createNodeDefinitionRegistry, type NodeDefinitionRegistry } from '@fenta/graph';
import type { NodeType } from './define-node-type';

/** The node types a worker can run, by type name; also a definition registry for graph validation. */
export type NodeRegistry = NodeDefinitionRegistry<NodeType>;

/** Builds the registry from an explicit list; a duplicate type name is a programming error and fails at start-up. */
export function createNodeRegistry(nodeTypes: NodeType[]): NodeRegistry {
  return createNodeDefinitionRegistry(nodeTypes);
}
