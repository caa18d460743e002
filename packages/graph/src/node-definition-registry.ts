import type { NodeDefinition } from './node-definition';

/** The node types a process knows, by type name. Built once at start-up. */
export interface NodeDefinitionRegistry<Definition extends NodeDefinition = NodeDefinition> {
  get(type: string): Definition | undefined;
  types(): string[];
  /** Types whose output is a finished video (`render`): a graph needs one. */
  outputTypes(): string[];
}

/** Builds a registry from an explicit list; a duplicate type name is a programming error and fails at start-up. */
export function createNodeDefinitionRegistry<Definition extends NodeDefinition>(definitions: Definition[]): NodeDefinitionRegistry<Definition> {
  const byType = new Map<string, Definition>();
  for (const definition of definitions) {
    if (byType.has(definition.type)) throw new Error(`node type ${definition.type} is registered twice`);
    byType.set(definition.type, definition);
  }
  return {
    get: (type) => byType.get(type),
    types: () => [...byType.keys()].sort(),
    outputTypes: () =>
      [...byType.values()]
        .filter((d) => d.output === 'render')
        .map((d) => d.type)
        .sort(),
  };
}
