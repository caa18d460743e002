import type { NodeType } from './define-node-type';

/** The node types a process knows, by type name. Built once at start-up. */
export interface NodeRegistry {
  get(type: string): NodeType | undefined;
  types(): string[];
  /** Types whose output is a finished video (`render`): a graph needs one. */
  outputTypes(): string[];
}

/** Builds the registry from an explicit list; a duplicate type name is a programming error and fails at start-up. */
export function createNodeRegistry(nodeTypes: NodeType[]): NodeRegistry {
  const byType = new Map<string, NodeType>();
  for (const nodeType of nodeTypes) {
    if (byType.has(nodeType.type)) throw new Error(`node type ${nodeType.type} is registered twice`);
    byType.set(nodeType.type, nodeType);
  }
  return {
    get: (type) => byType.get(type),
    types: () => [...byType.keys()].sort(),
    outputTypes: () => [...byType.values()].filter((t) => t.output === 'render').map((t) => t.type).sort(),
  };
}
