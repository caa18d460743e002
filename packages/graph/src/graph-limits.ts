/**
 * How big a graph may be. A graph is run node by node on one worker, and each
 * node may start decoders and provider calls, so a tenant's graph is bounded
 * before anything runs. The built-in sample has 6 nodes and 5 edges.
 */
export const graphLimits = {
  nodes: 50,
  edges: 200,
} as const;
