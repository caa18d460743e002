import { FentaError, type ErrorCode, type ErrorParams } from '@fenta/core';

/**
 * One thing wrong with a graph: its own registry code, the message, and where
 * it is. `path` points into the graph (`nodes[2].params.voice`, `edges[4].to`),
 * or at a node's port (`nodes[3].inputs.speech`) for problems of an input that
 * no one edge owns. `node` and `edge` name the node and edge a UI would
 * highlight; they are only set when that node or edge exists in the graph.
 */
export interface GraphProblem {
  code: ErrorCode;
  message: string;
  path: string;
  node?: string;
  edge?: string;
}

/** The problems of one validation, in the order found; thrown as one FentaError. */
export class GraphProblemList {
  private readonly found: Array<{ problem: GraphProblem; params: ErrorParams }> = [];

  add(code: ErrorCode, params: ErrorParams, path: string, where: { node?: string; edge?: string } = {}): void {
    this.found.push({ problem: { code, message: new FentaError(code, params).message, path, ...where }, params });
  }

  get size(): number {
    return this.found.length;
  }

  /** The error's own code and message are the first problem's; every problem is in `details.problems`. */
  toError(): FentaError {
    const first = this.found[0]!;
    return new FentaError(first.problem.code, first.params, { details: { problems: this.found.map(({ problem }) => problem) } });
  }
}
